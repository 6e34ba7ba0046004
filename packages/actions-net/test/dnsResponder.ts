// A tiny authoritative DNS server on a loopback UDP port: queries decoded and answers encoded with
// dns-packet, so the resolver under test talks real DNS wire format.
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import type { Answer, Packet } from 'dns-packet';

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** A zone: answers by `name TYPE`; names listed in `exists` answer NOERROR with no data for other types. */
export interface Zone {
  answers: Record<string, Answer[]>;
  rcodes?: Record<string, keyof typeof RCODE>;
}

/** A running responder and the questions it was asked ("name TYPE"). */
export interface DnsResponder {
  address: string;
  asked: string[];
  close(): Promise<void>;
}

/** Starts the responder on 127.0.0.1 and an OS-chosen UDP port. */
export async function startDnsResponder(zone: Zone): Promise<DnsResponder> {
  const socket = dgram.createSocket('udp4');
  const asked: string[] = [];
  const names = new Set(Object.keys(zone.answers).map((key) => key.split(' ')[0]!.toLowerCase()));
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    asked.push(`${name} ${question.type}`);
    const answers = zone.answers[`${name} ${question.type}`] ?? [];
    const rcode = zone.rcodes?.[name] ?? (names.has(name) ? 'NOERROR' : 'NXDOMAIN');
    const reply: Packet = {
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | RCODE[rcode],
      questions: [question],
      answers: rcode === 'NOERROR' ? answers : [],
    };
    socket.send(dnsPacket.encode(reply), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    asked,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
