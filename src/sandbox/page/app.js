// The sandbox page: renders the channel the sandbox server keeps (messages, threads, ephemeral
// messages, modals, files) from their Block Kit, and sends what the person does to the server, which
// signs it and forwards it to the bot's real receiver. Plain DOM, no framework, no build step.
'use strict';

const $ = (sel) => document.querySelector(sel);
const state = { user: '', version: -1, snapshot: null, openThread: null, modalKey: '', values: {} };

// ---------- mrkdwn: Slack's escapes (&amp; &lt; &gt;), links, mentions, *bold*, _italic_, `code` ----------

const escapeHtml = (s) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeSlack = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// The shortcodes the bot's messages use; others are shown as typed.
const EMOJI = {
  white_check_mark: '✅',
  x: '❌',
  warning: '⚠️',
  hourglass_flowing_sand: '⏳',
  information_source: 'ℹ️',
  mag: '🔍',
  white_small_square: '▫️',
  white_circle: '⚪',
  rocket: '🚀',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  leftwards_arrow_with_hook: '↩️',
  rotating_light: '🚨',
  point_right: '👉',
  lock: '🔒',
  link: '🔗',
  large_yellow_circle: '🟡',
  grey_question: '❔',
  building_construction: '🏗️',
  ballot_box_with_check: '☑️',
  arrows_counterclockwise: '🔄',
};

function inline(text) {
  return text
    .replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] ?? all)
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1<strong>$2</strong>')
    .replace(/(^|[\s(])_([^_\n]+)_/g, '$1<em>$2</em>')
    .replace(/(^|[\s(])~([^~\n]+)~/g, '$1<del>$2</del>');
}

function mrkdwn(raw) {
  const parts = String(raw).split(/```/);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${escapeHtml(unescapeSlack(part))}</pre>`;
      // Links and mentions first (<url|label>, <@U…>, <!here>), then the escaped text between them.
      return part
        .split(/(<[^<>]+>)/)
        .map((piece) => {
          const m = /^<([^<>|]+)(?:\|([^<>]+))?>$/.exec(piece);
          if (!m) return inline(escapeHtml(unescapeSlack(piece)));
          const [, target, label] = m;
          if (target.startsWith('@')) return `<strong>@${escapeHtml(label ?? target.slice(1))}</strong>`;
          if (target.startsWith('#')) return `<strong>#${escapeHtml(label ?? target.slice(1))}</strong>`;
          if (target.startsWith('!')) return `<strong>@${escapeHtml(target.slice(1).split('^')[0])}</strong>`;
          const href = unescapeSlack(target);
          const safe = /^https?:/i.test(href) ? escapeHtml(href) : '#';
          return `<a href="${safe}" target="_blank" rel="noreferrer">${escapeHtml(unescapeSlack(label ?? target))}</a>`;
        })
        .join('')
        .replace(/\n/g, '<br>');
    })
    .join('');
}

function textHtml(t) {
  if (!t) return '';
  return t.type === 'mrkdwn' ? mrkdwn(t.text) : escapeHtml(t.text).replace(/\n/g, '<br>');
}

function el(tag, attrs = {}, html) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  if (html !== undefined) node.innerHTML = html;
  return node;
}

// ---------- talking to the sandbox server ----------

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: state.user, ...body }),
  });
  const answer = await res.json().catch(() => ({}));
  setTimeout(refresh, 50);
  return answer;
}

async function refresh() {
  if (!state.user) return;
  const res = await fetch(`/sandbox/state?user=${encodeURIComponent(state.user)}`);
  const snapshot = await res.json();
  if (snapshot.version === state.version && state.snapshot?.forUser === state.user) return;
  snapshot.forUser = state.user;
  state.version = snapshot.version;
  state.snapshot = snapshot;
  render();
}

// ---------- interactive elements ----------

/** Where an element sits: a message (channel or ephemeral) or an open modal. */
function actionTarget(ctx) {
  return ctx.viewId
    ? { viewId: ctx.viewId, values: state.values[ctx.viewId] ?? {} }
    : { messageTs: ctx.messageTs, ephemeral: ctx.ephemeral };
}

function setValue(ctx, blockId, actionId, value) {
  if (!ctx.viewId) return;
  const values = (state.values[ctx.viewId] ??= {});
  (values[blockId] ??= {})[actionId] = value;
}

function sendAction(ctx, blockId, action) {
  return post('/sandbox/action', { ...actionTarget(ctx), action: { block_id: blockId, ...action } });
}

const optionLabel = (o) => (o.text?.text ?? '') + (o.description ? ` (${o.description.text})` : '');
const stripOption = (o) => ({
  text: o.text,
  value: o.value,
  ...(o.description ? { description: o.description } : {}),
});

function optionsOf(e) {
  return e.options ?? (e.option_groups ?? []).flatMap((g) => g.options);
}

function selectNode(e, onChoose) {
  const select = el('select', { 'data-action-id': e.action_id });
  select.append(el('option', { value: '' }, escapeHtml(e.placeholder?.text ?? 'Choose…')));
  const options = optionsOf(e);
  options.forEach((o, i) => {
    const selected = e.initial_option && e.initial_option.value === o.value;
    select.append(el('option', { value: String(i), selected }, escapeHtml(optionLabel(o))));
  });
  select.addEventListener('change', () => {
    const o = options[Number(select.value)];
    if (o) onChoose(o);
  });
  return select;
}

function externalSelectNode(e, blockId, ctx, onChoose) {
  const wrap = el('span', { class: 'external-select' });
  const input = el('input', {
    placeholder: e.placeholder?.text ?? 'Type to search…',
    'data-action-id': e.action_id,
    value: e.initial_option ? optionLabel(e.initial_option) : '',
  });
  const select = el('select', { hidden: true });
  let found = [];
  let timer;
  const minQuery = e.min_query_length ?? 3;
  // The options come from the bot's options endpoint (block_suggestion), as Slack asks for them.
  const load = async () => {
    if (input.value.length < minQuery) return;
    const answer = await post('/sandbox/suggest', {
      viewId: ctx.viewId,
      action_id: e.action_id,
      block_id: blockId,
      value: input.value,
      values: state.values[ctx.viewId] ?? {},
    });
    const body = answer.body ? JSON.parse(answer.body) : {};
    found = body.options ?? (body.option_groups ?? []).flatMap((g) => g.options);
    select.replaceChildren(el('option', { value: '' }, `${found.length} found`));
    found.forEach((o, i) => select.append(el('option', { value: String(i) }, escapeHtml(optionLabel(o)))));
    select.hidden = false;
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  // With min_query_length 0 Slack lists the options as soon as the menu opens.
  if (minQuery === 0) input.addEventListener('focus', () => select.hidden && load());
  select.addEventListener('change', () => {
    const o = found[Number(select.value)];
    if (!o) return;
    input.value = optionLabel(o);
    onChoose(o);
  });
  wrap.append(input, select);
  return wrap;
}

function confirmed(e) {
  if (!e.confirm) return true;
  return window.confirm(`${e.confirm.title?.text ?? ''}\n\n${e.confirm.text?.text ?? ''}`);
}

/** One interactive element; `inInput` elements only record their value (unless dispatch_action). */
function elementNode(e, blockId, ctx, inInput = false, dispatch = false) {
  const record = (value) => setValue(ctx, blockId, e.action_id, value);
  const dispatchNow = !inInput || dispatch;
  switch (e.type) {
    case 'button':
      return el(
        'button',
        {
          type: 'button',
          class: e.style ?? '',
          'data-action-id': e.action_id,
          onclick: () => {
            if (confirmed(e))
              sendAction(ctx, blockId, {
                type: 'button',
                action_id: e.action_id,
                value: e.value,
                text: e.text,
              });
          },
        },
        escapeHtml(e.text.text),
      );
    case 'overflow':
      return selectNode({ ...e, placeholder: { text: '⋯' } }, (o) => {
        sendAction(ctx, blockId, {
          type: 'overflow',
          action_id: e.action_id,
          selected_option: stripOption(o),
        });
      });
    case 'static_select':
    case 'external_select': {
      if (e.initial_option) record({ type: e.type, selected_option: stripOption(e.initial_option) });
      const choose = (o) => {
        const value = { type: e.type, selected_option: stripOption(o) };
        record(value);
        if (dispatchNow) sendAction(ctx, blockId, { action_id: e.action_id, ...value });
      };
      return e.type === 'static_select' ? selectNode(e, choose) : externalSelectNode(e, blockId, ctx, choose);
    }
    case 'plain_text_input':
    case 'email_text_input':
    case 'url_text_input':
    case 'number_input': {
      const attrs = {
        'data-action-id': e.action_id,
        placeholder: e.placeholder?.text,
        name: `${blockId}.${e.action_id}`,
      };
      const node = e.multiline ? el('textarea', { ...attrs, rows: 3 }) : el('input', attrs);
      node.value = e.initial_value ?? '';
      record({ type: e.type, value: node.value || null });
      node.addEventListener('input', () => record({ type: e.type, value: node.value || null }));
      return node;
    }
    case 'checkboxes':
    case 'radio_buttons': {
      const wrap = el('div', { class: e.type });
      const chosen = new Map(
        (e.initial_options ?? (e.initial_option ? [e.initial_option] : [])).map((o) => [o.value, o]),
      );
      const save = () => {
        const picked = [...chosen.values()].map(stripOption);
        const value =
          e.type === 'checkboxes'
            ? { type: e.type, selected_options: picked }
            : { type: e.type, selected_option: picked[0] ?? null };
        record(value);
        return value;
      };
      save();
      const group = `${blockId}.${e.action_id}`;
      for (const o of e.options) {
        const input = el('input', {
          type: e.type === 'checkboxes' ? 'checkbox' : 'radio',
          name: group,
          checked: chosen.has(o.value),
        });
        input.addEventListener('change', () => {
          if (e.type === 'radio_buttons') chosen.clear();
          if (input.checked) chosen.set(o.value, o);
          else chosen.delete(o.value);
          const value = save();
          if (dispatchNow) sendAction(ctx, blockId, { action_id: e.action_id, ...value });
        });
        const label = el('label');
        label.append(input, el('span', {}, ` ${textHtml(o.text)}`));
        wrap.append(label, el('br'));
      }
      return wrap;
    }
    case 'image':
      return el('img', { src: e.image_url, alt: e.alt_text, width: 24, height: 24 });
    default:
      return el('span', { class: 'unsupported' }, `[${escapeHtml(e.type)}]`);
  }
}

// ---------- blocks ----------

function blockNode(b, i, ctx) {
  const blockId = b.block_id ?? `auto-${i}`;
  switch (b.type) {
    case 'section': {
      const node = el('div', { class: 'section', 'data-block-id': blockId });
      const body = el('div', { class: 'body' }, b.text ? textHtml(b.text) : '');
      if (b.fields) {
        const fields = el('div', { class: 'fields' });
        for (const f of b.fields) fields.append(el('div', {}, textHtml(f)));
        body.append(fields);
      }
      node.append(body);
      if (b.accessory) node.append(elementNode(b.accessory, blockId, ctx));
      return node;
    }
    case 'header':
      return el('div', { class: 'header' }, textHtml(b.text));
    case 'divider':
      return el('hr', { class: 'divider' });
    case 'context': {
      const node = el('div', { class: 'context' });
      for (const e of b.elements)
        node.append(e.type === 'image' ? elementNode(e, blockId, ctx) : el('span', {}, textHtml(e)));
      return node;
    }
    case 'actions': {
      const node = el('div', { class: 'actions', 'data-block-id': blockId });
      for (const e of b.elements) node.append(elementNode(e, blockId, ctx));
      return node;
    }
    case 'input': {
      const node = el('div', { class: 'input', 'data-block-id': blockId });
      node.append(
        el('label', {}, escapeHtml(b.label.text) + (b.optional ? ' <small>(optional)</small>' : '')),
      );
      node.append(elementNode(b.element, blockId, ctx, true, b.dispatch_action === true));
      if (b.hint) node.append(el('div', { class: 'hint' }, textHtml(b.hint)));
      const error = ctx.errors?.[blockId];
      if (error) node.append(el('div', { class: 'error', role: 'alert' }, escapeHtml(error)));
      return node;
    }
    case 'image':
      return el('img', { src: b.image_url, alt: b.alt_text, style: 'max-width: 100%' });
    default:
      return el('div', { class: 'unsupported' }, `[${escapeHtml(b.type)} block]`);
  }
}

function blocksNode(blocks, ctx) {
  const wrap = el('div', { class: 'blocks' });
  (blocks ?? []).forEach((b, i) => wrap.append(blockNode(b, i, ctx)));
  return wrap;
}

function messageNode(m, { ephemeral = false, inThread = false } = {}) {
  const node = el('div', { class: `message${ephemeral ? ' ephemeral' : ''}`, 'data-ts': m.ts });
  const when = new Date(Number(m.ts.split('.')[0]) * 1000).toLocaleTimeString();
  node.append(
    el('div', { class: 'who' }, `efs-encrypt <small>${when}${m.edited ? ' (edited)' : ''}</small>`),
  );
  if (ephemeral) node.append(el('div', { class: 'only-you' }, 'Only visible to you'));
  const ctx = { messageTs: m.ts, ephemeral };
  if (m.blocks?.length) node.append(blocksNode(m.blocks, ctx));
  else if (m.text) node.append(el('div', {}, mrkdwn(m.text)));
  if (m.blocks?.length && m.fileIds?.length && m.text) node.append(el('div', {}, mrkdwn(m.text)));
  if (!m.blocks?.length && !m.text && !m.fileIds?.length) node.append(el('div', {}, '<em>(empty)</em>'));
  for (const id of m.fileIds ?? []) {
    const file = state.snapshot.files.find((f) => f.id === id);
    const link = el(
      'a',
      { href: `/sandbox/files/${id}`, download: file?.filename ?? id },
      `⬇ ${escapeHtml(file?.title ?? id)}`,
    );
    const wrap = el('div', { class: 'file' });
    wrap.append(link);
    node.append(wrap);
  }
  if (!inThread && m.replies?.length)
    node.append(
      el(
        'div',
        { class: 'replies', onclick: () => openThread(m.ts) },
        `${m.replies.length} ${m.replies.length === 1 ? 'reply' : 'replies'}`,
      ),
    );
  return node;
}

function openThread(ts) {
  state.openThread = ts;
  render();
}

// ---------- the page ----------

function renderChannel(s) {
  const channel = $('#channel');
  const atBottom = channel.scrollHeight - channel.scrollTop - channel.clientHeight < 40;
  channel.replaceChildren();
  for (const m of s.messages) channel.append(messageNode(m));
  for (const m of s.ephemeral.filter((e) => !e.threadTs || e.threadTs !== state.openThread))
    channel.append(messageNode(m, { ephemeral: true }));
  if (atBottom) channel.scrollTop = channel.scrollHeight;

  const thread = $('#thread');
  const root = s.messages.find((m) => m.ts === state.openThread);
  thread.hidden = !root;
  if (root) {
    thread.replaceChildren(
      el('div', { class: 'header' }, 'Thread <button type="button" id="close-thread">×</button>'),
      messageNode(root, { inThread: true }),
    );
    $('#close-thread').addEventListener('click', () => openThread(null));
    for (const r of root.replies) thread.append(messageNode(r, { inThread: true }));
    for (const m of s.ephemeral.filter((e) => e.threadTs === root.ts))
      thread.append(messageNode(m, { ephemeral: true, inThread: true }));
  }

  const rejected = $('#rejected');
  rejected.hidden = s.rejected.length === 0;
  rejected.replaceChildren(el('strong', {}, 'Refused as Slack would refuse them:'));
  for (const r of s.rejected)
    rejected.append(
      el(
        'div',
        { class: 'rejected' },
        `${escapeHtml(r.method)}: <code>${escapeHtml(r.error)}</code> ${r.messages.map(escapeHtml).join('; ')}`,
      ),
    );
}

function renderModal(s) {
  const top = s.views[s.views.length - 1];
  const backdrop = $('#modal-backdrop');
  const key = top ? `${top.id}:${top.hash}:${JSON.stringify(top.errors ?? {})}` : '';
  if (key === state.modalKey) return;
  state.modalKey = key;
  backdrop.hidden = !top;
  if (!top) return;
  const v = top.view;
  // A new view starts from its initial values; errors keep what the person typed.
  if (!top.errors) state.values[top.id] = {};
  const modal = $('#modal');
  const ctx = { viewId: top.id, errors: top.errors };
  const content = el('div', { class: 'content' });
  content.append(blocksNode(v.blocks, ctx));
  const footer = el('div', { class: 'footer' });
  footer.append(
    el(
      'button',
      { type: 'button', onclick: () => post('/sandbox/close', { viewId: top.id }) },
      escapeHtml(v.close?.text ?? 'Cancel'),
    ),
  );
  if (v.submit)
    footer.append(
      el(
        'button',
        {
          type: 'button',
          class: 'primary',
          id: 'modal-submit',
          onclick: () => post('/sandbox/submit', { viewId: top.id, values: state.values[top.id] ?? {} }),
        },
        escapeHtml(v.submit.text),
      ),
    );
  modal.replaceChildren(el('div', { class: 'title' }, escapeHtml(v.title?.text ?? '')), content, footer);
}

// The runtime's clock, when the sandbox may skip it past the decommission's idle window.
function renderClock(s) {
  const clock = $('#clock');
  clock.hidden = !s.clock;
  if (!s.clock) return;
  $('#clock-now').textContent = s.clock.now.replace('T', ' ').slice(0, 16) + ' UTC';
  $('#clock-now').setAttribute('datetime', s.clock.now);
  $('#skip-clock').textContent = `Skip ${s.clock.skipHours} h ahead`;
}

function render() {
  const s = state.snapshot;
  if (!s) return;
  renderClock(s);
  renderChannel(s);
  renderModal(s);
}

async function start() {
  const res = await fetch('/sandbox/state?user=');
  const { users } = await res.json();
  const picker = $('#act-as');
  for (const u of users)
    picker.append(el('option', { value: u.id }, `${escapeHtml(u.name)} (${u.id}, ${escapeHtml(u.role)})`));
  state.user = users[0]?.id ?? '';
  picker.addEventListener('change', () => {
    state.user = picker.value;
    state.modalKey = '';
    refresh();
  });
  $('#composer').addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = $('#command');
    const text = input.value.trim();
    if (!text) return;
    input.value = '/efs-encrypt ';
    const answer = await post('/sandbox/command', { text });
    if (answer.status && answer.status !== 200)
      window.alert(`The bot answered ${answer.status}: ${answer.body}`);
  });
  $('#skip-clock').addEventListener('click', () => post('/sandbox/clock', {}));
  await refresh();
  setInterval(refresh, 700);
}

start();
