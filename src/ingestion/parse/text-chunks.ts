import { StringDecoder } from 'node:string_decoder';

/** UTF-8 text from a byte stream, without a leading BOM, never splitting a multi-byte character. */
export async function* decodeUtf8(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of source) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield text;
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}

/** Whole lines (without their \r\n or \n) from text chunks, a chunk's worth at a time. */
export async function* lines(source: AsyncIterable<string>): AsyncGenerator<string[]> {
  let pending = '';
  for await (const text of source) {
    const data = pending + text;
    const found: string[] = [];
    let start = 0;
    for (let nl = data.indexOf('\n', start); nl !== -1; nl = data.indexOf('\n', start)) {
      found.push(data.charCodeAt(nl - 1) === 13 ? data.slice(start, nl - 1) : data.slice(start, nl));
      start = nl + 1;
    }
    pending = data.slice(start);
    if (found.length > 0) yield found;
  }
  if (pending.length > 0) yield [pending.endsWith('\r') ? pending.slice(0, -1) : pending];
}
