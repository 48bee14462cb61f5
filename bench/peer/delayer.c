/*
 * The peer benchmark's packet delayer: holds every packet that an iptables NFQUEUE rule hands it
 * for a fixed time, then accepts it (this kernel has no sch_netem). Constant delay, so packets
 * leave in the order they came (FIFO). Runs inside the DNSSEC world's private network namespace.
 *
 *   delayer <queue-num> <delay-us>
 *
 * stdin:  "D <us>\n" sets the delay for packets that arrive from now on; "F\n" flushes the log.
 * stdout: "READY\n" once bound; then one line per packet released:
 *         "<in-ns> <out-ns> <proto> <saddr>:<sport> <daddr>:<dport> <len>"
 *         (CLOCK_MONOTONIC, the clock of Node's process.hrtime), flushed when idle and on "F".
 * Built by bench/peer/delayer.ts with gcc against libnetfilter-queue (Debian
 * libnetfilter-queue-dev). With `--queue-bypass` on the rule, packets pass undelayed when this
 * program is not running.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 65536

struct held {
  uint32_t id;
  uint64_t in_ns, due_ns;
  char line[96];
};

static struct held ring[MAX_HELD];
static unsigned head = 0, count = 0;
static uint64_t delay_ns = 0;
static struct nfq_q_handle *queue;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void describe(unsigned char *data, int len, char *out, size_t size) {
  if (len < 20 || (data[0] >> 4) != 4) {
    snprintf(out, size, "other - - %d", len);
    return;
  }
  int ihl = (data[0] & 0x0f) * 4;
  int proto = data[9];
  char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, data + 12, src, sizeof src);
  inet_ntop(AF_INET, data + 16, dst, sizeof dst);
  unsigned sport = 0, dport = 0;
  if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && len >= ihl + 4) {
    sport = (data[ihl] << 8) | data[ihl + 1];
    dport = (data[ihl + 2] << 8) | data[ihl + 3];
  }
  snprintf(out, size, "%s %s:%u %s:%u %d", proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : "ip", src, sport, dst, dport, len);
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *arg) {
  (void)msg; (void)arg;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (!ph) return 0;
  uint32_t id = ntohl(ph->packet_id);
  uint64_t now = now_ns();
  if (count == MAX_HELD) {
    /* Full (never expected): let it through now, unlogged. */
    nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
    return 0;
  }
  struct held *h = &ring[(head + count) % MAX_HELD];
  h->id = id;
  h->in_ns = now;
  h->due_ns = now + delay_ns;
  unsigned char *data = NULL;
  int len = nfq_get_payload(nfa, &data);
  describe(data, len, h->line, sizeof h->line);
  count++;
  return 0;
}

static void release_due(void) {
  uint64_t now = now_ns();
  while (count > 0 && ring[head].due_ns <= now) {
    struct held *h = &ring[head];
    nfq_set_verdict(queue, h->id, NF_ACCEPT, 0, NULL);
    printf("%llu %llu %s\n", (unsigned long long)h->in_ns, (unsigned long long)now, h->line);
    head = (head + 1) % MAX_HELD;
    count--;
  }
}

static void read_commands(void) {
  static char buf[256];
  static size_t used = 0;
  ssize_t n = read(0, buf + used, sizeof buf - 1 - used);
  if (n <= 0) exit(0); /* stdin closed: the bench is gone */
  used += (size_t)n;
  buf[used] = 0;
  char *line;
  while ((line = memchr(buf, '\n', used)) != NULL) {
    *line = 0;
    if (buf[0] == 'D') delay_ns = strtoull(buf + 1, NULL, 10) * 1000ull;
    if (buf[0] == 'F' || buf[0] == 'D') {
      printf("OK %s\n", buf);
      fflush(stdout);
    }
    size_t consumed = (size_t)(line - buf) + 1;
    memmove(buf, buf + consumed, used - consumed);
    used -= consumed;
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: delayer <queue-num> <delay-us>\n");
    return 2;
  }
  delay_ns = strtoull(argv[2], NULL, 10) * 1000ull;
  struct nfq_handle *h = nfq_open();
  if (!h) { perror("nfq_open"); return 1; }
  queue = nfq_create_queue(h, (uint16_t)atoi(argv[1]), &on_packet, NULL);
  if (!queue) { perror("nfq_create_queue"); return 1; }
  if (nfq_set_mode(queue, NFQNL_COPY_PACKET, 64) < 0) { perror("nfq_set_mode"); return 1; }
  nfq_set_queue_maxlen(queue, 8192);
  nfnl_rcvbufsiz(nfq_nfnlh(h), 8 * 1024 * 1024);
  int fd = nfq_fd(h);
  printf("READY\n");
  fflush(stdout);
  char buf[65536] __attribute__((aligned));
  for (;;) {
    int timeout = -1;
    if (count > 0) {
      uint64_t now = now_ns(), due = ring[head].due_ns;
      timeout = due <= now ? 0 : (int)((due - now + 999999) / 1000000);
    } else {
      fflush(stdout);
    }
    /* Sub-millisecond precision: poll wakes at most 1 ms late; spin the last stretch. */
    if (timeout > 0) timeout -= 1;
    struct pollfd fds[2] = { { fd, POLLIN, 0 }, { 0, POLLIN, 0 } };
    int ready = poll(fds, 2, timeout);
    if (ready < 0 && errno != EINTR) { perror("poll"); return 1; }
    if (fds[0].revents & POLLIN) {
      ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      while (n > 0) {
        nfq_handle_packet(h, buf, (int)n);
        n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) read_commands();
    release_due();
  }
}
