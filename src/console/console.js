// cognito-emulator console: the only script of its pages (served by the emulator; the pages' CSP allows
// no inline script). It asks before destructive forms, copies codes, and refreshes the outbox live by
// polling its JSON feed. Nothing received is written as HTML: rows are built with textContent.
(() => {
  'use strict';

  document.addEventListener('submit', (event) => {
    const form = event.target.closest('form[data-confirm]');
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-copy]');
    if (!button) return;
    event.preventDefault();
    if (!navigator.clipboard) return;
    navigator.clipboard.writeText(button.dataset.copy).then(() => {
      button.textContent = 'copied';
      setTimeout(() => { button.textContent = 'copy'; }, 1200);
    }, () => {});
  });

  const table = document.getElementById('outbox');
  if (!table || !table.dataset.feed) return;
  const tbody = table.tBodies[0];
  const live = document.getElementById('live');
  let last = Number(table.dataset.last || 0);

  const cell = (tr, text, className) => {
    const td = tr.insertCell();
    if (className) td.className = className;
    if (text !== undefined && text !== null) td.textContent = String(text);
    return td;
  };
  const linkCell = (tr, text, href) => {
    const td = tr.insertCell();
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    td.append(a);
    return td;
  };
  const highlighted = (parent, text, code) => {
    if (!code) { parent.append(text); return; }
    const parts = text.split(code);
    parts.forEach((part, i) => {
      if (i > 0) {
        const mark = document.createElement('mark');
        mark.className = 'code';
        mark.textContent = code;
        parent.append(mark);
      }
      parent.append(part);
    });
  };

  const row = (m) => {
    const tr = document.createElement('tr');
    tr.dataset.id = String(m.id);
    tr.className = 'fresh';
    cell(tr, m.id);
    const when = cell(tr);
    const time = document.createElement('time');
    time.textContent = m.created;
    when.append(time);
    linkCell(tr, m.poolId, m.poolUrl);
    linkCell(tr, m.username, m.userUrl);
    cell(tr, `${m.kind} · ${m.medium}`);
    cell(tr, m.destination);
    const message = cell(tr);
    if (m.subject) {
      const strong = document.createElement('strong');
      strong.textContent = m.subject;
      message.append(strong);
    }
    const pre = document.createElement('pre');
    pre.className = 'body';
    highlighted(pre, m.body, m.code);
    message.append(pre);
    const codeCell = cell(tr, undefined, 'code-cell');
    if (m.code) {
      const mark = document.createElement('mark');
      mark.className = 'code';
      mark.textContent = m.code;
      const copy = document.createElement('button');
      copy.type = 'button';
      copy.className = 'copy';
      copy.dataset.copy = m.code;
      copy.textContent = 'copy';
      codeCell.append(mark, copy);
    }
    return tr;
  };

  const tick = async () => {
    if (live && !live.checked) return;
    const url = new URL(table.dataset.feed, window.location.href);
    url.searchParams.set('after', String(last));
    try {
      const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok) return;
      const { messages } = await response.json();
      for (const m of messages) {
        tbody.prepend(row(m));
        last = Math.max(last, m.id);
      }
      if (messages.length) {
        const empty = document.getElementById('outbox-empty');
        if (empty) empty.remove();
        const status = document.getElementById('live-status');
        if (status) status.textContent = `${messages.length} new at ${new Date().toLocaleTimeString()}`;
      }
    } catch (_) { /* the emulator restarted or went away: try again on the next tick */ }
  };
  setInterval(tick, 1500);
})();
