/** Server-Sent Events framing: text chunks in (split anywhere), whole messages out. */
export interface SseMessage {
  topic: string;
  data: Record<string, unknown>;
}

export class SseParser {
  private buf = '';

  /** The messages completed by this chunk; a partial one waits for the next chunk. */
  push(chunk: string): SseMessage[] {
    this.buf += chunk;
    const out: SseMessage[] = [];
    let i = this.buf.indexOf('\n\n');
    while (i >= 0) {
      const block = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 2);
      let topic = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) topic = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      // Comment lines (": ping") and empty blocks carry no message.
      if (data) out.push({ topic, data: JSON.parse(data) as Record<string, unknown> });
      i = this.buf.indexOf('\n\n');
    }
    return out;
  }
}
