/**
 * Indents JSON text without parsing it, so numbers stay exactly as written (`1.0`, `-0.0`,
 * 9007199254740993): the host sends such text for runs whose values a double cannot hold.
 */
export function indentJsonText(text: string, step = '  '): string {
  let out = '';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      if (text[i + 1] === close) {
        out += c + close;
        i++;
      } else out += `${c}\n${step.repeat(++depth)}`;
    } else if (c === '}' || c === ']') out += `\n${step.repeat(--depth)}${c}`;
    else if (c === ',') out += `,\n${step.repeat(depth)}`;
    else if (c === ':') out += ': ';
    else if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') out += c;
  }
  return out;
}
