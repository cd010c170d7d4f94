/**
 * One host of the two-host test, run inside its network namespace (`ip netns exec <ns> node
 * netns-peer.js '<json>'`): a real `Ws2` process with the TCP/IP and ISO transport providers (the
 * compiled packages: a child process cannot load the TypeScript sources), as an application on
 * that host would have it. It reports one JSON line per event on stdout.
 *
 *   { role: 'server', protocol: 'tcp' | 'osi', root, address, port }
 *     listens, accepts one connection, receives until the peer's release, then reports
 *     { event: 'result', bytes, messages, sha256, disconnectData, fdCloseCount, errors }
 *   { role: 'client', protocol: 'tcp' | 'osi', root, address, port, bytes, messageSize, disconnectData }
 *     connects, sends `bytes` (in messages of at most `messageSize` for ISO), releases the
 *     connection (with the disconnect data for ISO), and reports { event: 'result', bytes, sha256 }
 *   { role: 'flood', protocol: 'tcp', root, address, port }
 *     connects and sends until a call fails; reports { event: 'connected' }, { event: 'sending' },
 *     then { event: 'failed', error, sent } with the Winsock code of the failed call.
 */
const path = require('node:path');
const { createHash } = require('node:crypto');

const config = JSON.parse(process.argv[2]);
const dist = (pkg) => path.join(config.root, 'packages', pkg, 'dist', 'index.js');
require(path.join(config.root, 'node_modules', 'reflect-metadata'));
const spi = require(dist('spi'));
const tcp = require(dist('providers-tcp'));
const osi = require(dist('providers-osi'));
const { container } = require(path.join(config.root, 'node_modules', 'tsyringe'));

const report = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

/** The pattern byte at `offset` of the transfer: both ends compute the same bytes. */
const patternAt = (offset) => (offset * 131 + (offset >>> 9)) & 0xff;

function startProcess() {
  const catalog = new spi.Catalog();
  tcp.installTcpProviders(catalog, { path: 'tcp' });
  osi.installOsiProviders(catalog, { path: 'osi' });
  const child = container.createChildContainer();
  spi.registerProvider(child, 'tcp', tcp.WSPStartup);
  spi.registerProvider(child, 'osi', osi.WSPStartup);
  const ws2 = new spi.Ws2({ catalog, container: child });
  const rc = ws2.WSAStartup(spi.MAKEWORD(2, 2), spi.emptyWsaData());
  if (rc !== 0) throw new Error(`WSAStartup failed: ${rc}`);
  return ws2;
}

function addressOf() {
  return config.protocol === 'osi'
    ? osi.sockaddrTp('ws2spi', config.address, config.port)
    : spi.sockaddrIn(config.address, config.port);
}

function open(ws2) {
  return config.protocol === 'osi'
    ? spi.Socket.create(ws2, spi.AF_ISO, spi.SOCK_SEQPACKET, spi.ISOPROTO_TP2)
    : spi.Socket.create(ws2, spi.AF_INET, spi.SOCK_STREAM, spi.IPPROTO_TCP);
}

async function server(ws2) {
  const listener = await open(ws2);
  await listener.bind(addressOf());
  await listener.listen(1);
  report({ event: 'listening' });
  const { socket } = await listener.accept();
  const hash = createHash('sha256');
  let bytes = 0;
  let messages = 0;
  const errors = [];
  for (;;) {
    let data;
    try {
      data = await socket.recv(1 << 20);
    } catch (error) {
      // ISO transport: the peer's release (T-DISCONNECT) ends the messages.
      if (spi.isWsaError(error, spi.WSAEDISCON)) break;
      errors.push(error.code);
      break;
    }
    if (data.byteLength === 0) break;
    for (let i = 0; i < data.byteLength; i++) {
      if (data[i] !== patternAt(bytes + i)) {
        errors.push(`byte ${bytes + i} differs`);
        break;
      }
    }
    hash.update(data);
    bytes += data.byteLength;
    messages++;
  }
  let disconnectData = '';
  if (config.protocol === 'osi') disconnectData = Buffer.from(socket.recvDisconnect()).toString('hex');
  // FD_CLOSE, counted on an event object over a while: the release is indicated exactly once
  // (selecting it now records what already happened; a second indication would show up here).
  const event = ws2.WSACreateEvent();
  if (ws2.WSAEventSelect(socket.handle, event, spi.FD_CLOSE) !== 0) throw new Error('WSAEventSelect failed');
  let fdCloseCount = 0;
  const record = spi.emptyNetworkEvents();
  for (let i = 0; i < 5; i++) {
    if (ws2.WSAEnumNetworkEvents(socket.handle, event, record) !== 0) break;
    if (record.lNetworkEvents & spi.FD_CLOSE) fdCloseCount++;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  socket.close();
  listener.close();
  report({
    event: 'result',
    bytes,
    messages,
    sha256: hash.digest('hex'),
    disconnectData,
    fdCloseCount,
    errors,
  });
}

async function client(ws2) {
  const socket = await open(ws2);
  await socket.connect(addressOf());
  report({ event: 'connected' });
  const hash = createHash('sha256');
  const size = config.protocol === 'osi' ? config.messageSize : 64 * 1024;
  for (let offset = 0; offset < config.bytes; offset += size) {
    const n = Math.min(size, config.bytes - offset);
    const chunk = new Uint8Array(n);
    for (let i = 0; i < n; i++) chunk[i] = patternAt(offset + i);
    hash.update(chunk);
    if (config.protocol === 'osi') await socket.send(chunk);
    else await socket.sendAll(chunk);
  }
  if (config.protocol === 'osi') {
    socket.sendDisconnect(Buffer.from(config.disconnectData, 'hex'));
  } else {
    socket.sendDisconnect();
    // The server's close: recv returns the end of the data.
    while ((await socket.recv()).byteLength > 0) {}
  }
  // The release must reach the peer before the process goes: wait for the server to report.
  await new Promise((resolve) => process.stdin.once('data', resolve));
  socket.close();
  report({ event: 'result', bytes: config.bytes, sha256: hash.digest('hex') });
}

async function flood(ws2) {
  const socket = await open(ws2);
  await socket.connect(addressOf());
  report({ event: 'connected' });
  const chunk = new Uint8Array(16 * 1024);
  let sent = 0;
  for (;;) {
    try {
      sent += await socket.send(chunk);
    } catch (error) {
      report({ event: 'failed', error: error.code, sent });
      break;
    }
    if (sent === chunk.byteLength) report({ event: 'sending' });
  }
  socket.close();
}

async function main() {
  const ws2 = startProcess();
  try {
    if (config.role === 'server') await server(ws2);
    else if (config.role === 'client') await client(ws2);
    else await flood(ws2);
  } finally {
    while (ws2.WSACleanup() === 0) {}
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    report({
      event: 'error',
      message: String(error?.stack ?? error),
      code: error?.code,
    });
    process.exit(1);
  },
);
