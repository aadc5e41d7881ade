// Forcing a full garbage collection in the server from outside, through the V8 inspector on a
// loopback port (the server is started with --inspect=127.0.0.1:<port> for the scenarios that need
// it). Memory figures taken after a forced collection compare live data, not leftover garbage.
import WebSocket from 'ws';

export async function collectGarbage(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  try {
    await new Promise((resolve, reject) => {
      ws.on('message', (data) => {
        const answer = JSON.parse(data.toString());
        if (answer.id !== 1) return;
        if (answer.error) reject(new Error(`inspector: ${answer.error.message}`));
        else resolve();
      });
      ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
  } finally {
    ws.close();
  }
}
