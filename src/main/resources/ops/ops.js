// The operator page: plain JavaScript, no build step. Every value from the API is shown as text (textContent),
// never as HTML. The token lives in this tab's sessionStorage only and goes to the API as a bearer token.
'use strict';

const TOKEN_KEY = 'esimOpsToken';
const $ = (selector, root = document) => root.querySelector(selector);

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

function say(text, kind) {
  const message = $('#message');
  message.textContent = text;
  message.className = kind || '';
}

// Calls the API (paths relative to this page, /ops/) and answers the parsed JSON; throws with the API's error text.
async function api(path, options = {}) {
  if (!token()) {
    throw new Error('Enter the operator token first.');
  }
  const response = await fetch(path, {
    method: options.method || 'GET',
    headers: Object.assign({ Authorization: 'Bearer ' + token() },
      options.body ? { 'Content-Type': 'application/json' } : {}),
    body: options.body ? JSON.stringify(options.body) : undefined,
    cache: 'no-store'
  });
  let json = null;
  try {
    json = await response.json();
  } catch (notJson) {
    // answered below
  }
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
    throw new Error('The token was refused: enter it again.');
  }
  if (!response.ok) {
    throw new Error((json && json.error) || ('HTTP ' + response.status));
  }
  return json;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  if (className) {
    node.className = className;
  }
  return node;
}

function row(tbody, cells) {
  const tr = el('tr');
  cells.forEach(cell => {
    const td = cell instanceof Node ? el('td') : el('td', cell);
    if (cell instanceof Node) {
      td.appendChild(cell);
    }
    tr.appendChild(td);
  });
  tbody.appendChild(tr);
  return tr;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

function orderLink(id) {
  const link = el('a', id, 'order-link');
  link.href = '#';
  link.addEventListener('click', event => {
    event.preventDefault();
    $('#order-id').value = id;
    showOrder(id);
  });
  return link;
}

function showTokenState() {
  $('#token-state').textContent = token() ? 'token set for this tab' : 'no token';
}

// --- one order: facts, timeline, eSIMs and emails, replay and resend ---

async function showOrder(id) {
  if (!id) {
    return;
  }
  try {
    const order = await api('orders/' + encodeURIComponent(id));
    renderOrder(order);
    say('');
  } catch (e) {
    $('#order').hidden = true;
    say(e.message, 'error');
  }
}

function renderOrder(order) {
  $('#order').hidden = false;
  $('#order').dataset.id = order.external_order_id;
  $('#order-title').textContent = order.external_order_id;
  const status = $('#order-status');
  status.textContent = order.status;
  status.className = 'status ' + order.status;
  const replay = $('#replay');
  replay.hidden = !(order.status === 'FAILED' || order.status === 'REJECTED');
  replay.dataset.status = order.status;

  const facts = $('#order-facts');
  facts.replaceChildren();
  const lines = order.lines.map(l => l.qty + ' × ' + l.option_id).join(', ');
  [['source', order.source_type + ' ' + (order.source_ref || '')], ['products', lines],
    ['attempts', order.attempts], ['last error', order.last_error || '—'],
    ['received', when(order.created_at)], ['updated', when(order.updated_at)]].forEach(([name, value]) => {
    facts.appendChild(el('dt', name));
    facts.appendChild(el('dd', value));
  });

  const events = [];
  order.history.forEach(h => events.push({ time: h.time, text: (h.from ? h.from + ' → ' : '') + h.to
      + (h.attempt ? ' (attempt ' + h.attempt + ')' : '') + (h.detail ? ': ' + h.detail : '') }));
  order.items.forEach(item => {
    if (item.esim_received_at) {
      events.push({ time: item.esim_received_at, text: 'eSIM ' + item.topup_id + ' received' });
    }
    if (item.sent_at) {
      events.push({ time: item.sent_at, text: 'email for ' + item.topup_id + ' sent to ' + item.recipient });
    } else if (item.email_status) {
      events.push({ time: item.next_attempt_at, text: 'email for ' + item.topup_id + ' ' + item.email_status
          + (item.last_error ? ' after ' + item.attempts + ' attempt(s): ' + item.last_error : '') });
    }
  });
  events.sort((a, b) => (a.time || '').localeCompare(b.time || ''));
  const timeline = $('#timeline');
  timeline.replaceChildren();
  events.forEach(event => {
    const li = el('li');
    li.appendChild(el('time', when(event.time)));
    li.appendChild(document.createTextNode(event.text));
    timeline.appendChild(li);
  });

  const tbody = $('#items tbody');
  tbody.replaceChildren();
  order.items.forEach(item => {
    const actions = el('span');
    if (item.email_status) {
      const to = el('input');
      to.type = 'email';
      to.placeholder = 'new address (optional)';
      to.className = 'resend-to';
      const resend = el('button', 'Resend', 'secondary resend');
      resend.type = 'button';
      resend.addEventListener('click', () => resendEmail(item.topup_id, to.value.trim(), resend));
      actions.append(to, resend);
    }
    const email = el('span', item.email_status || 'no eSIM yet', 'status ' + (item.email_status || ''));
    row(tbody, [item.topup_id, item.option_id, item.esim_status, email, item.recipient || '', item.attempts ?? '',
      item.last_error || '', actions]).cells[6].className = 'error';
  });
}

async function replayOrder() {
  const id = $('#order').dataset.id;
  const rejected = $('#replay').dataset.status === 'REJECTED';
  let path = 'orders/' + encodeURIComponent(id) + '/replay';
  if (rejected) {
    if (!window.confirm('Order ' + id + ' was REJECTED by the provider. Send it again with the same '
        + 'external_order_id? Do this only once the cause is gone.')) {
      return;
    }
    path += '?confirm=true';
  }
  const button = $('#replay');
  button.disabled = true;
  say('Replaying ' + id + ': waiting for the provider…');
  try {
    const outcome = await api(path, { method: 'POST' });
    await showOrder(id);
    refreshLists();
    say('Order ' + id + ' is now ' + outcome.status
        + (outcome.errors.length ? ': ' + outcome.errors.join('; ') : ''), outcome.status === 'ACCEPTED' ? 'ok' : 'error');
  } catch (e) {
    say(e.message, 'error');
  } finally {
    button.disabled = false;
  }
}

async function resendEmail(topupId, to, button) {
  button.disabled = true;
  try {
    const email = await api('emails/' + encodeURIComponent(topupId) + '/resend',
      { method: 'POST', body: to ? { to } : undefined });
    await showOrder($('#order').dataset.id);
    say('Email for ' + topupId + ' to ' + email.recipient + ': ' + email.status
        + (email.last_error ? ' (' + email.last_error + ')' : ''), email.status === 'SENT' ? 'ok' : 'error');
  } catch (e) {
    say(e.message, 'error');
  } finally {
    button.disabled = false;
  }
}

// --- the lists: failed, rejected, overdue, quarantined ---

async function loadList(section, more) {
  const tbody = $('tbody', section);
  const moreButton = $('.more', section);
  try {
    if (section.dataset.kind === 'orders') {
      let path = 'orders?limit=20&status=' + section.dataset.status;
      if (more && section.dataset.cursor) {
        path += '&cursor=' + encodeURIComponent(section.dataset.cursor);
      } else {
        tbody.replaceChildren();
      }
      const page = await api(path);
      page.orders.forEach(o => row(tbody, [orderLink(o.external_order_id), when(o.updated_at), o.attempts,
        o.last_error || '']).cells[3].className = 'error');
      section.dataset.cursor = page.next_cursor || '';
      moreButton.hidden = !page.next_cursor;
      if (!page.orders.length && !more) {
        row(tbody, ['none', '', '', '']);
      }
    } else if (section.dataset.kind === 'overdue') {
      const overdue = await api('overdue');
      tbody.replaceChildren();
      overdue.forEach(o => row(tbody, [orderLink(o.external_order_id), when(o.accepted_at),
        o.esims_received + ' of ' + o.esims_ordered, o.topup_ids.join(' ')]));
      if (!overdue.length) {
        row(tbody, ['none', '', '', '']);
      }
    } else {
      const items = await api('quarantine');
      tbody.replaceChildren();
      items.forEach(q => {
        const apply = el('button', 'Apply', 'secondary apply');
        apply.type = 'button';
        apply.addEventListener('click', () => applyQuarantined(q.id, apply));
        row(tbody, [q.id, when(q.received_at), q.external_order_id || '', q.topup_id || '', q.reason, apply]);
      });
      if (!items.length) {
        row(tbody, ['none', '', '', '', '', '']);
      }
    }
  } catch (e) {
    say(e.message, 'error');
  }
}

async function applyQuarantined(id, button) {
  button.disabled = true;
  try {
    const result = await api('quarantine/' + id + '/apply', { method: 'POST' });
    say('Quarantined webhook ' + id + ': ' + result.outcome + ' (order ' + result.external_order_id + ')', 'ok');
    loadList($('#quarantine-list'));
  } catch (e) {
    say(e.message, 'error');
    button.disabled = false;
  }
}

function refreshLists() {
  document.querySelectorAll('section.list').forEach(section => loadList(section));
}

document.addEventListener('DOMContentLoaded', () => {
  showTokenState();
  $('#token-form').addEventListener('submit', event => {
    event.preventDefault();
    const value = $('#token').value.trim();
    if (value) {
      sessionStorage.setItem(TOKEN_KEY, value);
    }
    $('#token').value = '';
    showTokenState();
    say('');
    refreshLists();
  });
  $('#forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
  });
  $('#search-form').addEventListener('submit', event => {
    event.preventDefault();
    showOrder($('#order-id').value.trim());
  });
  $('#replay').addEventListener('click', replayOrder);
  document.querySelectorAll('section.list').forEach(section => {
    $('.refresh', section).addEventListener('click', () => loadList(section));
    const more = $('.more', section);
    if (more) {
      more.addEventListener('click', () => loadList(section, true));
    }
  });
  if (token()) {
    refreshLists();
  }
});
