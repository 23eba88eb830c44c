/**
 * The review page: one self-contained HTML document (inline style and script under a nonce, no
 * external request), served by `sightline review` to 127.0.0.1 only. Keys: a accept, r reject,
 * j/↓ next, k/↑ previous, n note, s save.
 */
export function reviewPage(nonce: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'">
<title>Sightline review</title>
<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:0;color:#111;background:#f4f4f4}
header{position:sticky;top:0;background:#222;color:#fff;padding:.5em 1em;display:flex;gap:1em;align-items:center;flex-wrap:wrap;z-index:2}
header input,header select{font:inherit}header .count{margin-left:auto}
main{padding:1em;max-width:1300px;margin:auto}
.card{background:#fff;border:2px solid #ccc;border-radius:6px;margin:.8em 0;padding:.7em;display:grid;grid-template-columns:160px 1fr 520px;gap:.8em}
.card.current{border-color:#1f4e99;box-shadow:0 0 0 3px #9bb8e8}
.card.accepted{background:#eefaee}.card.rejected{background:#fbeeee}
.card img.crop{width:160px;height:auto;image-rendering:auto}.card img.frame{width:520px;height:auto}
.card img.strip{width:100%;height:auto;margin-top:.3em}
.meta div{margin:.15em 0}.meta .k{color:#555;display:inline-block;width:7em}
.decision{font-weight:bold}.accepted .decision{color:#060}.rejected .decision{color:#a00}
button{font:inherit;padding:.2em .8em;margin-right:.3em}textarea{width:100%;font:inherit;min-height:3em}
.help{font-size:.85em;color:#ccc}.saved{color:#8f8}
</style></head><body>
<header>
<strong>Sightline review</strong>
<label>Examiner <input id="examiner" size="18" autocomplete="off"></label>
<label>Sort <select id="sort"><option value="time">time</option><option value="camera">camera</option><option value="score">score</option></select></label>
<label>Camera <select id="camera"><option value="">all</option></select></label>
<label>From <input id="from" placeholder="2026-03-01T09:00" size="16"></label>
<label>To <input id="to" placeholder="2026-03-01T10:00" size="16"></label>
<button id="save">Save (s)</button>
<span class="help">a accept · r reject · j/k next/previous · n note · s save</span>
<span class="count" id="count"></span><span class="saved" id="saved"></span>
</header>
<main id="list"></main>
<script nonce="${nonce}">
(() => {
  const token = new URLSearchParams(location.search).get('token') || '';
  const q = (p) => p + (p.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token);
  let items = [];
  let view = [];
  let cur = 0;
  const $ = (id) => document.getElementById(id);
  const el = (tag, props, ...kids) => { const e = document.createElement(tag); Object.assign(e, props || {}); for (const k of kids) e.append(k); return e; };
  const when = (s) => s.startTime ? s.startTime.replace('T', ' ').replace(/\\.\\d+Z$/, 'Z') : '+' + s.startOffset.toFixed(1) + ' s';
  function count() {
    const a = items.filter((s) => s.decision === 'accepted').length, r = items.filter((s) => s.decision === 'rejected').length;
    $('count').textContent = a + ' accepted · ' + r + ' rejected · ' + (items.length - a - r) + ' to review';
  }
  function render() {
    const cam = $('camera').value, from = $('from').value.trim(), to = $('to').value.trim(), sort = $('sort').value;
    view = items.filter((s) => (!cam || s.camera === cam) && (!from || (s.startTime || '') >= from) && (!to || (s.startTime || '') <= to + '\\uffff'));
    view.sort((a, b) => sort === 'score' ? b.score - a.score : sort === 'camera' ? (a.camera < b.camera ? -1 : a.camera > b.camera ? 1 : 0) || (a.startTime || '').localeCompare(b.startTime || '') : (a.startTime || '').localeCompare(b.startTime || '') || a.rank - b.rank);
    cur = Math.min(cur, Math.max(0, view.length - 1));
    const list = $('list');
    list.replaceChildren();
    view.forEach((s, i) => {
      const note = el('textarea', { value: s.note || '', placeholder: 'note (n)' });
      note.addEventListener('input', () => { s.note = note.value; });
      note.addEventListener('focus', () => { cur = i; mark(); });
      const card = el('section', { className: 'card ' + (s.decision || '') + (i === cur ? ' current' : ''), id: 's' + s.rank },
        el('div', {}, el('img', { className: 'crop', alt: 'crop #' + s.n, src: q('/crop/' + s.rank + '.png'), loading: 'lazy' })),
        el('div', { className: 'meta' },
          el('div', {}, el('strong', { textContent: '#' + s.n + ' ' + s.kind + (s.text ? ' “' + s.text + '”' : '') + (s.pattern ? ' for ' + s.pattern : '') })),
          el('div', {}, el('span', { className: 'k', textContent: 'camera' }), s.cameraName && s.cameraName !== s.camera ? s.cameraName + ' (' + s.camera + ')' : s.camera),
          el('div', {}, el('span', { className: 'k', textContent: 'time' }), when(s) + ' (' + (s.endOffset - s.startOffset).toFixed(1) + ' s)'),
          el('div', {}, el('span', { className: 'k', textContent: 'score' }), s.score.toFixed(3) + (s.strength ? ' — ' + s.strength : '')),
          el('div', {}, el('span', { className: 'k', textContent: 'file' }), s.file),
          el('div', {}, el('span', { className: 'k', textContent: 'decision' }), el('span', { className: 'decision', textContent: s.decision || 'to review' })),
          el('div', {}, el('button', { textContent: 'Accept (a)', onclick: () => decide(i, 'accepted') }), el('button', { textContent: 'Reject (r)', onclick: () => decide(i, 'rejected') })),
          note),
        el('div', {}, el('img', { className: 'frame', alt: 'evidence frame #' + s.n, src: q('/frame/' + s.rank + '.png'), loading: 'lazy' }),
          el('img', { className: 'strip', alt: 'frames across sighting #' + s.n, src: q('/strip/' + s.rank + '.png'), loading: 'lazy' })));
      card.addEventListener('click', (ev) => { if (ev.target.tagName !== 'TEXTAREA' && ev.target.tagName !== 'BUTTON') { cur = i; mark(); } });
      list.append(card);
    });
    count();
  }
  function mark() {
    document.querySelectorAll('.card').forEach((c, i) => c.classList.toggle('current', i === cur));
    const c = document.querySelectorAll('.card')[cur];
    if (c) c.scrollIntoView({ block: 'nearest' });
  }
  function decide(i, d) {
    const s = view[i]; if (!s) return;
    s.decision = d;
    const c = document.querySelectorAll('.card')[i];
    c.classList.remove('accepted', 'rejected'); c.classList.add(d);
    c.querySelector('.decision').textContent = d;
    count();
  }
  async function save() {
    const examiner = $('examiner').value.trim();
    if (!examiner) { $('saved').textContent = ' give your name first'; $('examiner').focus(); return; }
    const decisions = items.filter((s) => s.decision).map((s) => ({ rank: s.rank, decision: s.decision, note: s.note || '' }));
    const res = await fetch(q('/api/save'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ examiner, decisions }) });
    const out = await res.json();
    $('saved').textContent = res.ok ? ' saved ' + out.file + ' (' + out.accepted + ' accepted, ' + out.rejected + ' rejected)' : ' not saved: ' + out.error;
  }
  document.addEventListener('keydown', (e) => {
    if (e.target.tagName === 'TEXTAREA' || e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT') { if (e.key === 'Escape') e.target.blur(); return; }
    if (e.key === 'a') decide(cur, 'accepted');
    else if (e.key === 'r') decide(cur, 'rejected');
    else if (e.key === 'j' || e.key === 'ArrowDown') { cur = Math.min(view.length - 1, cur + 1); mark(); }
    else if (e.key === 'k' || e.key === 'ArrowUp') { cur = Math.max(0, cur - 1); mark(); }
    else if (e.key === 'n') { const t = document.querySelectorAll('.card textarea')[cur]; if (t) { e.preventDefault(); t.focus(); } }
    else if (e.key === 's') { e.preventDefault(); save(); }
    else return;
    e.preventDefault();
  });
  for (const id of ['sort', 'camera', 'from', 'to']) $(id).addEventListener('change', render);
  $('save').addEventListener('click', save);
  fetch(q('/api/sightings')).then((r) => r.json()).then((d) => {
    items = d.sightings; $('examiner').value = d.examiner || '';
    for (const c of [...new Set(items.map((s) => s.camera))].sort()) $('camera').append(el('option', { value: c, textContent: c }));
    render();
    document.body.dataset.ready = 'true';
  });
})();
</script></body></html>
`;
}
