// A reader for the XML the EC2 and ELBv2 Query APIs answer with, into plain objects.
//
// Elements with element children become objects keyed by tag name; elements whose children
// are all `<item>` (EC2) or `<member>` (ELBv2) become arrays; an empty element whose name
// ends in `Set` is an empty array; any other leaf is its text. Attributes (only `xmlns` in
// these documents) are ignored. Hand-written rather than DOMParser so that it runs in the
// unit tests too, and stays fast on the tens of megabytes a 1,000-VPC account answers.

const ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replaces the five XML entities and numeric character references. */
export function unescapeXml(text) {
  if (text.indexOf('&') < 0) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[e] ?? m;
  });
}

function finish(frame) {
  const { name, children } = frame;
  if (children.length === 0) {
    if (frame.text === '' && name.endsWith('Set')) return [];
    return unescapeXml(frame.text);
  }
  if (children.every(([n]) => n === 'item' || n === 'member')) return children.map(([, v]) => v);
  const obj = {};
  const repeated = new Set();
  for (const [n, v] of children) {
    if (!Object.prototype.hasOwnProperty.call(obj, n)) {
      obj[n] = v;
    } else if (repeated.has(n)) {
      obj[n].push(v);
    } else {
      obj[n] = [obj[n], v];
      repeated.add(n);
    }
  }
  return obj;
}

/** Parses a document: `{ name, value }` of its root element. Throws on malformed input. */
export function parseXml(text) {
  const stack = [{ name: '#document', children: [], text: '' }];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (lt > i && stack.length > 1) {
      const top = stack[stack.length - 1];
      if (top.children.length === 0) top.text += text.slice(i, lt);
    }
    if (text.startsWith('<?', lt)) {
      i = text.indexOf('?>', lt) + 2;
    } else if (text.startsWith('<!--', lt)) {
      i = text.indexOf('-->', lt) + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      const top = stack[stack.length - 1];
      // Escaped again so that finish() unescapes it back to itself.
      top.text += text.slice(lt + 9, end).replace(/&/g, '&amp;');
      i = end + 3;
    } else {
      const gt = text.indexOf('>', lt);
      if (gt < 0) throw new Error('unterminated tag');
      if (text[lt + 1] === '/') {
        const name = text.slice(lt + 2, gt).trim();
        const frame = stack.pop();
        if (!frame || frame.name !== name) throw new Error(`unexpected </${name}>`);
        stack[stack.length - 1].children.push([name, finish(frame)]);
      } else {
        const selfClosing = text.charCodeAt(gt - 1) === 47; // '/'
        let end = lt + 1;
        const stop = selfClosing ? gt - 1 : gt;
        while (end < stop && text.charCodeAt(end) > 32) end++;
        const name = text.slice(lt + 1, end);
        const frame = { name, children: [], text: '' };
        if (selfClosing) stack[stack.length - 1].children.push([name, finish(frame)]);
        else stack.push(frame);
      }
      i = gt + 1;
    }
    if (i <= 0) throw new Error('malformed XML');
  }
  if (stack.length !== 1 || stack[0].children.length !== 1) throw new Error('malformed XML');
  const [name, value] = stack[0].children[0];
  return { name, value };
}
