/**
 * Live case events from /api/v1/stream (Server-Sent Events). EventSource cannot send a bearer
 * token, so the stream is read with fetch; it reconnects after a drop until stopped.
 */
import { getToken } from '../api/client.ts';

export interface LiveMessage {
  topic: string;
  data: Record<string, unknown>;
}

export function subscribeLive(onMessage: (m: LiveMessage) => void, onState?: (connected: boolean) => void): () => void {
  let stopped = false;
  let ctrl: AbortController | null = null;
  const run = async () => {
    while (!stopped) {
      ctrl = new AbortController();
      try {
        const res = await fetch('/api/v1/stream', { headers: { authorization: `Bearer ${getToken() ?? ''}` }, signal: ctrl.signal });
        if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
        onState?.(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i = buf.indexOf('\n\n');
          while (i >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            let topic = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) topic = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (data) onMessage({ topic, data: JSON.parse(data) as Record<string, unknown> });
            i = buf.indexOf('\n\n');
          }
        }
      } catch {
        // dropped or refused: wait and reconnect
      }
      onState?.(false);
      if (!stopped) await new Promise((r) => setTimeout(r, 2000));
    }
  };
  void run();
  return () => {
    stopped = true;
    ctrl?.abort();
  };
}
