/**
 * Live case events from /api/v1/stream (Server-Sent Events). EventSource cannot send a bearer
 * token, so the stream is read with fetch; it reconnects after a drop until stopped.
 */
import { apiHeaders } from '../api/client.ts';
import { type SseMessage, SseParser } from './sse.ts';

export type LiveMessage = SseMessage;

export function subscribeLive(onMessage: (m: LiveMessage) => void, onState?: (connected: boolean) => void): () => void {
  let stopped = false;
  let ctrl: AbortController | null = null;
  const run = async () => {
    while (!stopped) {
      ctrl = new AbortController();
      try {
        const res = await fetch('/api/v1/stream', { headers: apiHeaders(), signal: ctrl.signal });
        if (!res.ok || !res.body) throw new Error(`stream ${res.status}`);
        onState?.(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        const sse = new SseParser();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const m of sse.push(value)) onMessage(m);
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
