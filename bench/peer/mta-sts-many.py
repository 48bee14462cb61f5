#!/usr/bin/python3
"""The peer's "all domains in one process": postfix-mta-sts-resolver's own STSResolver (the code
behind mta-sts-query) resolving every domain given at once on one event loop, as its daemon
does for concurrent requests. Prints one line per domain: "<domain> <result>".

    /usr/bin/python3 bench/peer/mta-sts-many.py <domain>...
"""
import asyncio
import sys

from postfix_mta_sts_resolver.resolver import STSResolver


async def main(domains):
    resolver = STSResolver(loop=asyncio.get_running_loop())
    results = await asyncio.gather(*(resolver.resolve(domain) for domain in domains))
    for domain, (status, _policy) in zip(domains, results):
        print(domain, status.name)


if __name__ == '__main__':
    asyncio.run(main(sys.argv[1:]))
