import { benchPeer, formatPeer } from './peer.ts';
console.log(formatPeer(await benchPeer()));
