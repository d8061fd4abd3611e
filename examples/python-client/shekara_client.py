#!/usr/bin/env python3
"""A second implementation of a Shekara party, written from docs/protocol.md and proto/ only.

Python 3 with Debian's python3-protobuf and python3-nacl, and a small NATS client of its own (no
pip). The messages come from proto/ at run time: `buf build -o shekara.binpb` gives the descriptor
set this program loads (--descriptors), so nothing here is generated or copied from the TypeScript.

  shekara_client.py send --nats HOST:PORT --descriptors shekara.binpb --directory directory.json
      --authority-key BASE64 --keys keys.json --sender UNIT --recipient UNIT
      --inbox-subject S --receipts-subject S [--receipts-stream STREAM] [--count N] [--timeout S]
    Makes N daily reports from UNIT, signs them as one Merkle batch (RFC 9162), publishes each to the
    recipient's inbox with JetStream (Nats-Msg-Id = message id, PubAck checked), then waits for the
    recipient node's DELIVERY_RECEIPTs and verifies each (signature, key validity, signer = the
    recipient unit, the right message). Prints one JSON object; exit 0 when every report was
    DELIVERED by a receipt that verifies, 1 otherwise.

  shekara_client.py check-vectors --descriptors shekara.binpb VECTORS_DIR
    Checks this implementation against test/fixtures/vectors: the signing vectors (leaves, roots,
    signed bytes, signatures) and the origin verdict of every ok/ and not-ok/ envelope.

The NATS client speaks the text protocol (INFO, CONNECT, PING/PONG, SUB, HPUB, MSG, HMSG), upgrades
to TLS when the server asks (verified against --ca), and authenticates with an nkey (--nkey-seed:
the node's seed file; the server's nonce signed with Ed25519), as an identity of the per-agency bus
(docs/bus.md) does; replies then go under its own --inbox-prefix (_INBOX_<identity>). There the
identity may not subscribe to its own inbox subject: --receipts-stream (its own inbox stream) makes
it read the receipts with an ephemeral JetStream push consumer delivering under that prefix.
"""
import argparse
import base64
import hashlib
import json
import os
import socket
import ssl
import struct
import sys
import time
import uuid
from datetime import datetime, timezone

import nacl.exceptions
import nacl.signing
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

# --- Messages from the descriptor set (proto/ is the single source) -------------------------------

class Messages:
    def __init__(self, descriptor_path):
        fds = descriptor_pb2.FileDescriptorSet()
        with open(descriptor_path, 'rb') as f:
            fds.ParseFromString(f.read())
        pool = descriptor_pool.DescriptorPool()
        for file_proto in fds.file:
            pool.Add(file_proto)
        self._pool = pool
        self._factory = None if hasattr(message_factory, 'GetMessageClass') else message_factory.MessageFactory(pool)
        self.Envelope = self._cls('shekara.v1.Envelope')
        self.SignedEnvelope = self._cls('shekara.v1.SignedEnvelope')
        self.SignedEnvelopeBundle = self._cls('shekara.v1.SignedEnvelopeBundle')
        kinds = pool.FindEnumTypeByName('shekara.v1.MessageKind')
        self.KIND_DAILY = kinds.values_by_name['MESSAGE_KIND_DAILY'].number
        self.KIND_DELIVERY_RECEIPT = kinds.values_by_name['MESSAGE_KIND_DELIVERY_RECEIPT'].number
        self.CLASS_UNCLASSIFIED = pool.FindEnumTypeByName('shekara.v1.Classification').values_by_name['CLASSIFICATION_UNCLASSIFIED'].number
        self.DELIVERED = pool.FindEnumTypeByName('shekara.v1.DeliveryOutcome').values_by_name['DELIVERY_OUTCOME_DELIVERED'].number

    def _cls(self, name):
        d = self._pool.FindMessageTypeByName(name)
        return message_factory.GetMessageClass(d) if self._factory is None else self._factory.GetPrototype(d)


# --- RFC 9162 Merkle trees and the signing scheme (docs/protocol.md section 7) -----------------------

def leaf_hash(data):
    return hashlib.sha256(b'\x00' + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b'\x01' + left + right).digest()


def merkle(leaves):
    """The root of the leaves' tree and each leaf's audit path (RFC 9162 section 2.1)."""
    paths = [[] for _ in leaves]

    def build(lo, hi):
        if hi - lo == 1:
            return leaf_hash(leaves[lo])
        k = 1
        while k * 2 < hi - lo:
            k *= 2
        left, right = build(lo, lo + k), build(lo + k, hi)
        for i in range(lo, lo + k):
            paths[i].append(right)
        for i in range(lo + k, hi):
            paths[i].append(left)
        return node_hash(left, right)

    return build(0, len(leaves)), paths


def root_from_proof(data, index, size, path):
    """RFC 9162 section 2.1.3.2; None when the proof does not fit (index, size)."""
    if index < 0 or index >= size:
        return None
    fn, sn, r = index, size - 1, leaf_hash(data)
    for p in path:
        if sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn //= 2
                    sn //= 2
        else:
            r = node_hash(r, p)
        fn //= 2
        sn //= 2
    return r if sn == 0 else None


def batch_signed_bytes(root, size):
    return b'shekara/merkle-root/v1\x00' + struct.pack('>I', size) + root


# --- The signed directory (docs/protocol.md section 8) ---------------------------------------------

def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(',', ':'), ensure_ascii=False)


def parse_instant(s):
    return datetime.fromisoformat(s.replace('Z', '+00:00'))


class Directory:
    def __init__(self, doc, authority_key_b64):
        if doc.get('format') != 'shekara-signed-directory/1':
            raise ValueError('not a signed directory')
        signed = {k: doc[k] for k in ('format', 'version', 'issuedAt', 'directory')}
        raw = base64.b64decode(authority_key_b64)
        expected_id = 'authority#' + base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).decode().rstrip('=')[:16]
        if doc['signature']['keyId'] != expected_id:
            raise ValueError('directory signed by another key than the authority')
        nacl.signing.VerifyKey(raw).verify(canonical_json(signed).encode('utf-8'), base64.b64decode(doc['signature']['value']))
        self.units = {u['id']: u for u in doc['directory']['units']}
        self.keys = {k['keyId']: (u['id'], k) for u in doc['directory']['units'] for k in u['keys']}

    def key_valid_at(self, key_id, at):
        """(unit, VerifyKey) of a key valid at `at`, or (None, reason code)."""
        entry = self.keys.get(key_id)
        if entry is None:
            return None, 'unknown key'
        unit, k = entry
        if k.get('revokedAt'):
            return None, 'revoked key'
        if k.get('notBefore') and at < parse_instant(k['notBefore']):
            return None, 'key not yet valid'
        if k.get('notAfter') and at >= parse_instant(k['notAfter']):
            return None, 'expired key'
        return unit, nacl.signing.VerifyKey(base64.b64decode(k['publicKey']))


def origin(msgs, directory, data):
    """Who sent a SignedEnvelope: ('ok', envelope) or (reason code, None), in the protocol's order."""
    signed = msgs.SignedEnvelope()
    try:
        signed.ParseFromString(data)
    except Exception:
        return 'malformed', None
    if not signed.key_id or not signed.signature:
        return 'unsigned', None
    entry = directory.keys.get(signed.key_id)
    if entry is None or len(signed.signature) != 64:
        return 'bad signature', None
    unit = entry[0]
    if signed.HasField('batch_proof'):
        p = signed.batch_proof
        root = root_from_proof(signed.envelope, p.index, p.leaf_count, list(p.siblings))
        if root is None:
            return 'bad signature', None
        message = batch_signed_bytes(root, p.leaf_count)
    else:
        message = signed.envelope
    try:
        nacl.signing.VerifyKey(base64.b64decode(entry[1]['publicKey'])).verify(message, signed.signature)
    except nacl.exceptions.BadSignatureError:
        return 'bad signature', None
    env = msgs.Envelope()
    try:
        env.ParseFromString(signed.envelope)
    except Exception:
        return 'malformed', None
    if env.sender_unit != unit:
        return 'bad signature', None
    created = env.created_at.ToDatetime().replace(tzinfo=timezone.utc)
    owner, key = directory.key_valid_at(signed.key_id, created)
    if owner is None:
        return key, None
    return 'ok', env


# --- A small NATS client ----------------------------------------------------------------------------

def crc16(data):
    """CRC-16/XMODEM, the checksum of an nkey."""
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def nkey_from_seed(seed_text):
    """(public user nkey, SigningKey) of an nkey seed ("SU..."): base32, 2 prefix bytes, 32 bytes, CRC-16."""
    text = seed_text.strip()
    raw = base64.b32decode(text + '=' * (-len(text) % 8))
    body, checksum = raw[:-2], struct.unpack('<H', raw[-2:])[0]
    if crc16(body) != checksum or (body[0] >> 3) != 18 or len(body) != 34:
        raise ValueError('not an nkey seed')
    if (((body[0] & 7) << 5) | (body[1] >> 3)) != 20 << 3:
        raise ValueError('not a user nkey seed')
    signing_key = nacl.signing.SigningKey(body[2:])
    public = bytes([20 << 3]) + signing_key.verify_key.encode()
    public += struct.pack('<H', crc16(public))
    return base64.b32encode(public).decode().rstrip('='), signing_key


class Nats:
    def __init__(self, address, name, ca=None, nkey_seed=None):
        host, _, port = address.replace('nats://', '').replace('tls://', '').partition(':')
        self.sock = socket.create_connection((host, int(port or 4222)), timeout=10)
        self.buf = b''
        info_line = self._line()
        if not info_line.startswith(b'INFO '):
            raise IOError('not a NATS server')
        info = json.loads(info_line[5:])
        if info.get('tls_required') or ca:
            context = ssl.create_default_context(cafile=ca)
            self.sock = context.wrap_socket(self.sock, server_hostname=host)
        connect = {'verbose': False, 'pedantic': False, 'headers': True, 'no_responders': True, 'protocol': 1, 'lang': 'python', 'version': '0.1', 'name': name}
        if nkey_seed:
            if 'nonce' not in info:
                raise IOError('the server sent no nonce to sign')
            public, signing_key = nkey_from_seed(nkey_seed)
            connect['nkey'] = public
            connect['sig'] = base64.urlsafe_b64encode(signing_key.sign(info['nonce'].encode()).signature).decode().rstrip('=')
        self.sock.sendall(b'CONNECT ' + json.dumps(connect).encode() + b'\r\nPING\r\n')
        while True:
            line = self._line()
            if line == b'PONG':
                break
            if line.startswith(b'-ERR'):
                raise IOError(line.decode())
        self.sid = 0
        self.pending = []

    def _line(self):
        while b'\r\n' not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise IOError('connection closed')
            self.buf += chunk
        line, self.buf = self.buf.split(b'\r\n', 1)
        return line

    def _exactly(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise IOError('connection closed')
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def subscribe(self, subject):
        self.sid += 1
        self.sock.sendall(f'SUB {subject} {self.sid}\r\n'.encode())
        return self.sid

    def publish(self, subject, data, headers=None, reply=None):
        head = b'NATS/1.0\r\n' + b''.join(f'{k}: {v}\r\n'.encode() for k, v in (headers or {}).items()) + b'\r\n'
        r = f' {reply}' if reply else ''
        self.sock.sendall(f'HPUB {subject}{r} {len(head)} {len(head) + len(data)}\r\n'.encode() + head + data + b'\r\n')

    def next_message(self, deadline):
        """(sid, subject, headers bytes, payload) of the next message, or None at the deadline."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                line = self._line()
            except socket.timeout:
                return None
            if line == b'PING':
                self.sock.sendall(b'PONG\r\n')
            elif line.startswith(b'MSG '):
                parts = line.split()
                data = self._exactly(int(parts[-1]))
                return int(parts[2]), parts[1].decode(), b'', data
            elif line.startswith(b'HMSG '):
                parts = line.split()
                hlen, total = int(parts[-2]), int(parts[-1])
                data = self._exactly(total)
                return int(parts[2]), parts[1].decode(), data[:hlen], data[hlen:]
            elif line.startswith(b'-ERR'):
                raise IOError(line.decode())

    def request(self, subject, body, reply, timeout):
        """A JSON request (the JetStream API): its JSON answer, or IOError at the timeout."""
        self.sid += 1
        sid = self.sid
        self.sock.sendall(f'SUB {reply} {sid}\r\n'.encode())
        data = json.dumps(body).encode()
        self.sock.sendall(f'PUB {subject} {reply} {len(data)}\r\n'.encode() + data + b'\r\n')
        deadline = time.monotonic() + timeout
        while True:
            m = self.next_message(deadline)
            if m is None:
                raise IOError(f'no answer to {subject} within {timeout} s')
            if m[0] == sid:
                self.sock.sendall(f'UNSUB {sid}\r\n'.encode())
                return json.loads(m[3] or b'{}')

    def close(self):
        self.sock.close()


def envelopes_of(msgs, head, payload):
    """The signed envelopes of a bus message and a problem, if any: the message itself, or with the
    header `Shekara-Bundle: <n>` the n elements of its SignedEnvelopeBundle (docs/protocol.md, "Bundles")."""
    count = None
    for line in head.split(b'\r\n')[1:]:
        name, _, value = line.partition(b':')
        if name.strip().lower() == b'shekara-bundle':
            count = value.strip().decode('ascii', 'replace')
    if count is None:
        return [payload], None
    bundle = msgs.SignedEnvelopeBundle()
    try:
        bundle.ParseFromString(payload)
    except Exception as e:  # noqa: BLE001 - any parse failure makes it malformed
        return [], f'not a SignedEnvelopeBundle: {e}'
    if not count.isdigit() or int(count) != len(bundle.envelopes) or not 2 <= len(bundle.envelopes) <= 256:
        return [], f'the bundle holds {len(bundle.envelopes)} envelopes, its header says {count}'
    return list(bundle.envelopes), None


def receipts_consumer(nc, stream, subject, deliver, timeout):
    """
    Receipts on the per-agency bus: the sender's identity may not subscribe to its own inbox subject;
    they are stored in its own inbox stream (its JetStream domain). An ephemeral push consumer of that
    stream, filtered to the receipts subject, starting after its last message, delivers them to a
    subject under the identity's inbox prefix. Returns the subscription id the receipts come on.
    """
    info = nc.request(f'$JS.API.STREAM.INFO.{stream}', {}, f'{deliver}.info', timeout)
    if 'error' in info:
        raise IOError(f'the receipts stream {stream}: {info["error"]}')
    sid = nc.subscribe(deliver)
    config = {
        'deliver_subject': deliver,
        'deliver_policy': 'by_start_sequence',
        'opt_start_seq': info['state']['last_seq'] + 1,
        'filter_subject': subject,
        'ack_policy': 'none',
        'inactive_threshold': 60 * 10**9,
        'mem_storage': True,
        'num_replicas': 1,
    }
    created = nc.request(f'$JS.API.CONSUMER.CREATE.{stream}', {'stream_name': stream, 'config': config}, f'{deliver}.create', timeout)
    if 'error' in created:
        raise IOError(f'a consumer of {stream}: {created["error"]}')
    return sid


# --- Commands ----------------------------------------------------------------------------------------

def uuid7():
    ms = int(time.time() * 1000)
    rand = bytearray(os.urandom(10))
    b = ms.to_bytes(6, 'big') + bytes([0x70 | (rand[0] & 0x0F), rand[1], 0x80 | (rand[2] & 0x3F)]) + bytes(rand[3:10])
    return str(uuid.UUID(bytes=b))


def private_key(keys_file, unit):
    with open(keys_file) as f:
        keys = json.load(f)
    for k in keys['keys']:
        if k['unitId'] == unit:
            der = base64.b64decode(k['privateKeyPkcs8'])
            return k['keyId'], nacl.signing.SigningKey(der[-32:])
    raise SystemExit(f'no key of {unit} in {keys_file}')


def send(a):
    msgs = Messages(a.descriptors)
    with open(a.directory) as f:
        directory = Directory(json.load(f), a.authority_key)
    key_id, signing_key = private_key(a.keys, a.sender)
    now = datetime.now(timezone.utc)
    owner, _ = directory.key_valid_at(key_id, now)
    if owner != a.sender:
        raise SystemExit(f'the key {key_id} is not a valid key of {a.sender} in the directory')

    envelopes = []
    for i in range(a.count):
        env = msgs.Envelope()
        env.message_id = uuid7()
        env.kind = msgs.KIND_DAILY
        env.sender_unit = a.sender
        env.recipient_units.append(a.recipient)
        env.created_at.FromDatetime(now.replace(tzinfo=None))
        env.reported_at.FromDatetime(now.replace(tzinfo=None))
        env.schema_version = 1
        env.classification = msgs.CLASS_UNCLASSIFIED
        env.daily.summary = f'Report {i + 1} of {a.count} from the Python client: no changes.'
        envelopes.append((env.message_id, env.SerializeToString()))
    root, paths = merkle([b for _, b in envelopes])
    signature = signing_key.sign(batch_signed_bytes(root, len(envelopes))).signature

    seed = None
    if a.nkey_seed:
        with open(a.nkey_seed) as f:
            seed = f.read()
    nc = Nats(a.nats, 'shekara-python-client', a.ca, seed)
    ack_prefix = a.inbox_prefix + '.' + uuid.uuid4().hex
    if a.publish_only:
        receipts_sid = None
    elif a.receipts_stream:
        receipts_sid = receipts_consumer(nc, a.receipts_stream, a.receipts_subject, ack_prefix + '.receipts', a.timeout)
    else:
        receipts_sid = nc.subscribe(a.receipts_subject)
    result = {'sent': [], 'receipts': {}, 'problems': []}
    for i, (message_id, data) in enumerate(envelopes):
        signed = msgs.SignedEnvelope()
        signed.envelope = data
        signed.key_id = key_id
        signed.signature = signature
        signed.batch_proof.index = i
        signed.batch_proof.leaf_count = len(envelopes)
        signed.batch_proof.siblings.extend(paths[i])
        reply = f'{ack_prefix}.{i}'
        nc.sock.sendall(f'SUB {reply} {100 + i}\r\n'.encode())
        nc.publish(a.inbox_subject, signed.SerializeToString(), {'Nats-Msg-Id': message_id}, reply)
        result['sent'].append(message_id)
    waiting = set() if a.publish_only else set(result['sent'])
    acked = 0
    deadline = time.monotonic() + a.timeout
    while (waiting or acked < len(envelopes)) and time.monotonic() < deadline:
        m = nc.next_message(deadline)
        if m is None:
            break
        sid, subject, head, payload = m
        if sid >= 100:
            ack = json.loads(payload or b'{}')
            if 'error' in ack or 'seq' not in ack:
                result['problems'].append(f'no JetStream ack for report {sid - 100}: {ack}')
            else:
                result.setdefault('acks', []).append({'stream': ack['stream'], 'seq': ack['seq'], 'domain': ack.get('domain')})
            acked += 1
            continue
        if sid != receipts_sid:
            continue
        parts, problem = envelopes_of(msgs, head, payload)
        if problem:
            result['problems'].append(f'a message on the receipts subject is a malformed bundle: {problem}')
        for part in parts:
            verdict, env = origin(msgs, directory, part)
            if verdict != 'ok':
                result['problems'].append(f'a message on the receipts subject does not verify: {verdict}')
                continue
            if env.kind != msgs.KIND_DELIVERY_RECEIPT or env.WhichOneof('payload') != 'delivery_receipt':
                continue
            r = env.delivery_receipt
            if r.message_id not in waiting:
                continue
            if env.sender_unit != a.recipient or r.recipient_unit != a.recipient or a.sender not in env.recipient_units or env.correlation_id != r.message_id:
                result['problems'].append(f'receipt {env.message_id} does not fit report {r.message_id}')
                continue
            outcome = 'DELIVERED' if r.outcome == msgs.DELIVERED else 'REJECTED'
            result['receipts'][r.message_id] = {'outcome': outcome, 'reason': r.reason, 'signedBy': env.sender_unit}
            waiting.discard(r.message_id)
    nc.close()
    for message_id in waiting:
        result['problems'].append(f'no verified receipt for {message_id} within {a.timeout} s')
    if acked < len(envelopes):
        result['problems'].append(f'{len(envelopes) - acked} publications got no JetStream ack within {a.timeout} s')
    ok = not result['problems'] and all(r['outcome'] == 'DELIVERED' for r in result['receipts'].values())
    result['ok'] = ok
    print(json.dumps(result))
    return 0 if ok else 1


def check_vectors(a):
    msgs = Messages(a.descriptors)
    with open(os.path.join(a.dir, 'signing.json')) as f:
        vectors = json.load(f)
    problems = []
    sender = next(k for k in vectors['keys'] if k['role'] == 'sender')
    verify_key = nacl.signing.VerifyKey(bytes.fromhex(sender['publicKey']))
    if nacl.signing.SigningKey(bytes.fromhex(sender['seed'])).verify_key.encode() != verify_key.encode():
        problems.append('the sender seed does not give its public key')
    for batch in vectors['batches']:
        leaves = [bytes.fromhex(e['envelope']) for e in batch['envelopes']]
        root, paths = merkle(leaves)
        for i, e in enumerate(batch['envelopes']):
            if leaf_hash(leaves[i]).hex() != e['leaf']:
                problems.append(f"batch {batch['size']}: leaf {i}")
            if root_from_proof(leaves[i], i, len(leaves), paths[i]) != root:
                problems.append(f"batch {batch['size']}: proof {i}")
        if root.hex() != batch['root']:
            problems.append(f"batch {batch['size']}: root")
        if batch_signed_bytes(root, len(leaves)).hex() != batch['signedBytes']:
            problems.append(f"batch {batch['size']}: signed bytes")
        try:
            verify_key.verify(bytes.fromhex(batch['signedBytes']), bytes.fromhex(batch['signature']))
        except nacl.exceptions.BadSignatureError:
            problems.append(f"batch {batch['size']}: signature")
    # The envelope vectors: this client checks the origin (the schema, times and addressing are the node's).
    keys = {}
    for unit, unit_keys in vectors['directoryKeys'].items():
        for k in unit_keys:
            keys[k['keyId']] = (unit, k)
    directory = Directory.__new__(Directory)
    directory.keys = keys
    origin_codes = {'malformed', 'unsigned', 'bad signature', 'unknown key', 'key not yet valid', 'expired key', 'revoked key'}
    cases = 0
    for folder in ('ok', 'not-ok'):
        base = os.path.join(a.dir, 'envelopes', folder)
        for name in sorted(os.listdir(base)):
            if not name.endswith('.bin'):
                continue
            with open(os.path.join(base, name), 'rb') as f:
                data = f.read()
            with open(os.path.join(base, name[:-4] + '.json')) as f:
                expected = json.load(f)['expect']
            verdict, _ = origin(msgs, directory, data)
            want = expected if expected in origin_codes else 'ok'
            cases += 1
            if verdict != want:
                problems.append(f'{folder}/{name}: origin {verdict}, expected {want}')
    print(json.dumps({'ok': not problems, 'batches': len(vectors['batches']), 'envelopes': cases, 'problems': problems}))
    return 0 if not problems else 1


def main():
    p = argparse.ArgumentParser(description='A Shekara party in Python (docs/protocol.md).')
    sub = p.add_subparsers(dest='command', required=True)
    s = sub.add_parser('send')
    for name in ('nats', 'descriptors', 'directory', 'authority-key', 'keys', 'sender', 'recipient', 'inbox-subject', 'receipts-subject'):
        s.add_argument('--' + name, required=True)
    s.add_argument('--count', type=int, default=3)
    s.add_argument('--ca', help="the bus CA certificate (TLS verified against it)")
    s.add_argument('--nkey-seed', help="the identity's nkey seed file")
    s.add_argument('--inbox-prefix', default='_INBOX', help='where replies may come (per-agency bus: _INBOX_<identity>)')
    s.add_argument('--receipts-stream', help="the sender's own inbox stream (per-agency bus): read the receipts from it with a JetStream consumer instead of subscribing to the receipts subject")
    s.add_argument('--publish-only', action='store_true', help='check the JetStream acks only, wait for no receipt')
    s.add_argument('--timeout', type=float, default=20)
    v = sub.add_parser('check-vectors')
    v.add_argument('--descriptors', required=True)
    v.add_argument('dir')
    a = p.parse_args()
    return send(a) if a.command == 'send' else check_vectors(a)


if __name__ == '__main__':
    sys.exit(main())
