// The simulator page: plain modules, no build step. State comes from /sim/state, changes are announced
// over Server-Sent Events, and every action is a POST that the emulators turn into real platform traffic.

const LANGUAGES = [
  ["de", "Deutsch"], ["en", "English"], ["ar", "العربية"], ["fa", "دری / فارسی"], ["uk", "Українська"], ["ru", "Русский"],
  ["tr", "Türkçe"], ["ku", "Kurmancî"], ["ps", "پښتو"], ["ti", "ትግርኛ"], ["so", "Soomaali"], ["fr", "Français"],
];
const ROLE_LABEL = { newcomer: "Neuzugewanderte Person", volunteer: "Ehrenamtlich" };
const MEDIA_LABEL = { sticker: "🙂 Sticker", photo: "📷 Foto", voice: "🎤 Sprachnachricht", document: "📄 Dokument" };

let state;
/** Per Slack workspace (team id): who is signed in, and which channel (or "home") is shown. */
const ui = { slack: {}, modal: "" };

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) console.warn(path, answer.error);
  return answer;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child);
  return node;
}

// ---- Towns ----

const towns = new Map();

/** A town's column: its name, posters and deep link, its phones, its Slack workspace. */
function townFor(town) {
  let column = towns.get(town.slug);
  if (column) return column;
  const node = document.getElementById("town-template").content.firstElementChild.cloneNode(true);
  node.dataset.town = town.slug;
  node.setAttribute("aria-label", town.name);
  node.querySelector(".town-name").textContent = town.name;
  const posters = node.querySelector(".town-posters");
  posters.href = town.posters;
  posters.textContent = `🖨 Plakate ${town.name}`;
  node.querySelector(".town-link code").textContent = town.deepLink.replace(/^https:\/\//, "");
  const slack = node.querySelector(".slack");
  slack.dataset.team = town.workspace.teamId;
  slack.setAttribute("aria-label", `Slack: ${town.workspace.name}`);
  document.getElementById("towns").append(node);
  column = { node, phones: node.querySelector(".phones"), slack };
  towns.set(town.slug, column);
  return column;
}

const townName = (slug) => state.towns.find((t) => t.slug === slug)?.name ?? slug;

// ---- Telegram phones ----

const phones = new Map();

function phoneFor(persona) {
  let phone = phones.get(persona.id);
  if (phone) return phone;
  const node = document.getElementById("phone-template").content.firstElementChild.cloneNode(true);
  node.dataset.persona = String(persona.id);
  node.querySelector(".phone-name").textContent = persona.name;
  node.querySelector(".phone-role").textContent = `${ROLE_LABEL[persona.role] ?? persona.role} · ${persona.towns.map(townName).join(" + ")}`;
  const select = node.querySelector("select");
  for (const [code, name] of LANGUAGES) select.append(el("option", { value: code, text: name }));
  select.value = persona.language;
  select.addEventListener("change", () => post("/sim/telegram/language", { user: persona.id, language: select.value }));
  const input = node.querySelector("input");
  const inputId = `message-${persona.id}`;
  input.id = inputId;
  node.querySelector(".composer label").setAttribute("for", inputId);
  node.querySelector(".composer").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!input.value.trim()) return;
    post("/sim/telegram/send", { user: persona.id, text: input.value });
    input.value = "";
  });
  for (const button of node.querySelectorAll("[data-media]")) {
    button.addEventListener("click", () => post("/sim/telegram/media", { user: persona.id, kind: button.dataset.media }));
  }
  const home = state.towns.find((t) => t.slug === persona.towns[0]) ?? state.towns[0];
  townFor(home).phones.append(node);
  // A pop-up answered before the page was opened is not shown again.
  phone = { node, chat: node.querySelector(".chat"), select, input, toast: node.querySelector(".toast"), rendered: "", popup: persona.popup?.queryId ?? "" };
  phones.set(persona.id, phone);
  return phone;
}

function renderPhone(persona) {
  const phone = phoneFor(persona);
  if (document.activeElement !== phone.select) phone.select.value = persona.language;
  // An empty chat says how it begins: the command behind the town's poster link.
  phone.input.placeholder = persona.messages.length ? "Nachricht" : `Zum Start: /start ${persona.towns[0] ?? ""}`.trim();
  showPopup(phone, persona.popup);
  const signature = JSON.stringify(persona.messages);
  if (signature === phone.rendered) return;
  phone.rendered = signature;
  const atBottom = phone.chat.scrollHeight - phone.chat.scrollTop - phone.chat.clientHeight < 40;
  phone.chat.replaceChildren(...persona.messages.map((message) => renderTelegramMessage(persona, message)));
  if (atBottom || phone.chat.children.length < 3) phone.chat.scrollTop = phone.chat.scrollHeight;
}

/** What the bot answered a button press with, over the chat for a few seconds, as Telegram shows it. */
function showPopup(phone, popup) {
  if (!popup || popup.queryId === phone.popup) return;
  phone.popup = popup.queryId;
  phone.toast.textContent = popup.text;
  phone.toast.hidden = false;
  clearTimeout(phone.toastTimer);
  phone.toastTimer = setTimeout(() => (phone.toast.hidden = true), 4000);
}

function renderTelegramMessage(persona, message) {
  const mine = message.from !== "bot";
  const body = [];
  if (message.kind !== "text") body.push(el("span", { class: "placeholder", text: MEDIA_LABEL[message.kind] ?? message.kind }));
  if (message.text) body.push(el("div", { dir: "auto", text: message.text }));
  const keyboard = message.reply_markup?.inline_keyboard;
  if (keyboard?.length) {
    body.push(
      el(
        "div",
        { class: "keyboard" },
        keyboard.map((row) =>
          el(
            "div",
            { class: "row" },
            row.map((button) =>
              el("button", {
                type: "button",
                dir: "auto",
                text: button.text,
                "data-callback": button.callback_data,
                onclick: () =>
                  button.url ? window.open(button.url, "_blank", "noopener") : post("/sim/telegram/press", { user: persona.id, messageId: message.message_id, data: button.callback_data }),
              }),
            ),
          ),
        ),
      ),
    );
  }
  const time = new Date(message.date * 1000).toLocaleTimeString("de-DE", { hour: "2-digit", minute: "2-digit" });
  body.push(el("span", { class: "meta", text: `${time}${message.edits ? " · bearbeitet" : ""}${message.copiedFrom ? " · weitergeleitet" : ""}` }));
  return el("li", { class: `msg ${mine ? "user" : "bot"}`, "data-message-id": String(message.message_id) }, body);
}

// ---- Slack ----

function mrkdwn(text) {
  const escaped = String(text ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped
    .replace(/&lt;(https?:[^|&]+)\|([^&]+)&gt;/g, '<a href="$1" target="_blank" rel="noopener">$2</a>')
    .replace(/&lt;@(\w+)&gt;/g, (_, id) => `@${state?.towns.flatMap((t) => t.workspace.members).find((m) => m.id === id)?.name ?? id}`)
    .replace(/\*([^*\n]+)\*/g, "<strong>$1</strong>")
    .replace(/(^|[\s(])_([^_\n]+)_/g, "$1<em>$2</em>")
    .replace(/`([^`\n]+)`/g, "<code>$1</code>");
}

function textOf(object) {
  if (!object) return "";
  return object.type === "mrkdwn" ? mrkdwn(object.text) : mrkdwn(object.text).replace(/<[^>]+>/g, "");
}

function html(tag, attributes, markup) {
  const node = el(tag, attributes);
  node.innerHTML = markup;
  return node;
}

function renderBlocks(blocks, onAction) {
  return (blocks ?? []).map((block) => {
    switch (block.type) {
      case "header":
        return el("div", { class: "block-header", dir: "auto", text: block.text?.text ?? "" });
      case "divider":
        return el("hr", { class: "block-divider" });
      case "context":
        return html("div", { class: "block-context", dir: "auto" }, (block.elements ?? []).map((e) => (e.type === "image" ? "" : textOf(e))).join(" · "));
      case "section": {
        const node = html("div", { class: "block-section", dir: "auto" }, [textOf(block.text), ...(block.fields ?? []).map(textOf)].filter(Boolean).join("<br>"));
        if (block.accessory?.type === "button") node.append(" ", actionButton(block, block.accessory, onAction));
        return node;
      }
      case "actions":
        return el("div", { class: "block-actions" }, (block.elements ?? []).filter((e) => e.type === "button").map((e) => actionButton(block, e, onAction)));
      default:
        return el("div", { class: "block-context", text: `[${block.type}]` });
    }
  });
}

function actionButton(block, element, onAction) {
  return el("button", {
    type: "button",
    class: `action ${element.style ?? ""}`,
    text: element.text?.text ?? element.action_id,
    "data-action": element.action_id,
    "data-value": element.value,
    onclick: () => (element.url ? window.open(element.url, "_blank", "noopener") : onAction(element)),
  });
}

/** One town's Slack workspace: its members (who is signed in), its channels, App Home. */
function renderSlack(town) {
  const { workspace } = town;
  const team = workspace.teamId;
  const root = townFor(town).slack;
  const { members, channels, homes } = workspace;
  const here = (ui.slack[team] ??= { member: members[0]?.id, view: channels[0]?.id });
  const memberId = `slack-member-${team}`;
  const commandId = `slack-command-${team}`;
  const send = (path, body) => post(path, { team, user: here.member, ...body });
  const side = el(
    "nav",
    { class: "slack-side", "aria-label": `Navigation ${workspace.name}` },
    el("h3", { text: workspace.name }),
    el("label", { for: memberId, text: "Angemeldet als" }),
    el(
      "select",
      {
        id: memberId,
        class: "slack-member",
        onchange: (e) => {
          here.member = e.target.value;
          // Slack shows each member their own Home tab.
          if (here.view === "home") send("/sim/slack/home", {});
          render();
        },
      },
      members.map((m) => el("option", { value: m.id, selected: m.id === here.member, text: `${m.name} (${m.role === "coordinator" ? "Koordination" : "Netzwerk"})` })),
    ),
    el("h4", { text: "Kanäle" }),
    channels.map((c) => el("button", { type: "button", "aria-current": here.view === c.id ? "true" : "false", text: `# ${c.name}`, onclick: () => ((here.view = c.id), render()) })),
    el("h4", { text: "App" }),
    el("button", {
      type: "button",
      "aria-current": here.view === "home" ? "true" : "false",
      text: "🏠 Brückenbot (Start)",
      onclick: () => {
        here.view = "home";
        send("/sim/slack/home", {});
        render();
      },
    }),
  );
  let main;
  if (here.view === "home") {
    const home = homes[here.member];
    main = el(
      "div",
      { class: "slack-main" },
      el("header", { text: "🏠 Brückenbot – Start" }),
      el("div", { class: "slack-messages" }, home ? renderBlocks(home.view.blocks, (e) => send("/sim/slack/view-click", { viewId: home.id, actionId: e.action_id, value: e.value })) : el("p", { text: "Noch keine Startseite veröffentlicht." })),
    );
  } else {
    const channel = channels.find((c) => c.id === here.view);
    const visible = (channel?.messages ?? []).filter((m) => !m.visibleTo || m.visibleTo === here.member);
    const list = el(
      "ol",
      { class: "slack-messages", "aria-live": "polite" },
      visible.map((m) =>
        el(
          "li",
          { class: `slack-msg ${m.visibleTo ? "ephemeral" : ""}` },
          el("div", { class: "who" }, "Brückenbot", el("small", { text: m.visibleTo ? "nur für dich sichtbar" : m.updates ? "bearbeitet" : "" })),
          m.blocks?.length ? renderBlocks(m.blocks, (e) => send("/sim/slack/click", { channel: m.channel, ts: m.ts, actionId: e.action_id, value: e.value })) : html("div", { class: "block-section", dir: "auto" }, mrkdwn(m.text)),
        ),
      ),
    );
    const input = el("input", { id: commandId, class: "slack-command", type: "text", placeholder: "/ag, /poll „Frage“ „A“ „B“, /meeting, /digest", autocomplete: "off" });
    main = el(
      "div",
      { class: "slack-main" },
      el("header", { text: `# ${channel?.name ?? ""}` }),
      list,
      el(
        "form",
        {
          class: "slack-composer",
          onsubmit: (event) => {
            event.preventDefault();
            if (!input.value.trim().startsWith("/")) return;
            send("/sim/slack/command", { text: input.value, channel: channel?.id });
            input.value = "";
          },
        },
        el("label", { for: commandId, class: "visually-hidden", text: `Slash-Befehl in ${workspace.name}` }),
        input,
        el("button", { type: "submit", class: "action", text: "Senden" }),
      ),
    );
    requestAnimationFrame(() => (list.scrollTop = list.scrollHeight));
  }
  const focused = root.contains(document.activeElement) ? document.activeElement?.id : undefined;
  const typed = document.getElementById(commandId)?.value;
  root.replaceChildren(side, main);
  if (typed) document.getElementById(commandId).value = typed;
  if (focused) document.getElementById(focused)?.focus();
}

/** The modal of a workspace's signed-in member, if any (Slack shows one at a time); kept while it is the same. */
function renderModal() {
  const open = state.towns.flatMap((town) => {
    const team = town.workspace.teamId;
    const modal = town.workspace.modals.find((m) => m.user === ui.slack[team]?.member);
    return modal ? [{ team, modal }] : [];
  })[0];
  const signature = open ? JSON.stringify([open.team, open.modal.user, open.modal.id, open.modal.view]) : "";
  if (signature === ui.modal) return;
  ui.modal = signature;
  document.querySelector(".modal-backdrop")?.remove();
  if (!open) return;
  const { team, modal } = open;
  const send = (path, body) => post(path, { team, user: modal.user, viewId: modal.id, ...body });
  const { view } = modal;
  const form = el("form", {
    class: "modal",
    "aria-label": view.title?.text ?? "Dialog",
    onsubmit: (event) => {
      event.preventDefault();
      send("/sim/slack/submit", { values: collectValues(form, view) });
    },
  });
  form.append(el("h2", { text: view.title?.text ?? "" }));
  for (const block of view.blocks ?? []) {
    if (block.type !== "input") {
      form.append(...renderBlocks([block], (e) => send("/sim/slack/view-click", { actionId: e.action_id, value: e.value })));
      continue;
    }
    const element = block.element ?? {};
    const id = `${block.block_id}-${element.action_id}`;
    form.append(el("label", { for: id, text: `${block.label?.text ?? ""}${block.optional ? " (optional)" : ""}` }));
    form.append(renderInput(element, id));
    if (view.errors?.[block.block_id]) form.append(el("p", { role: "alert", class: "block-context", text: view.errors[block.block_id] }));
  }
  form.append(
    el(
      "div",
      { class: "buttons" },
      el("button", { type: "button", class: "action", text: view.close?.text ?? "Abbrechen", onclick: () => send("/sim/slack/close-view", {}) }),
      el("button", { type: "submit", class: "action primary", text: view.submit?.text ?? "OK" }),
    ),
  );
  document.body.append(el("div", { class: "modal-backdrop" }, form));
  form.querySelector("input, textarea, select")?.focus();
}

function renderInput(element, id) {
  const initial = element.initial_value ?? element.initial_date ?? element.initial_time ?? element.initial_option?.value ?? "";
  switch (element.type) {
    case "plain_text_input":
      return element.multiline ? el("textarea", { id, rows: 3, text: initial }) : el("input", { id, type: "text", value: initial });
    case "datepicker":
      return el("input", { id, type: "date", value: initial });
    case "timepicker":
      return el("input", { id, type: "time", value: initial });
    case "datetimepicker":
      return el("input", { id, type: "datetime-local" });
    case "number_input":
      return el("input", { id, type: "number", value: initial });
    case "static_select":
    case "multi_static_select":
    case "checkboxes":
    case "radio_buttons":
      return el(
        "select",
        { id, multiple: element.type === "multi_static_select" || element.type === "checkboxes" },
        (element.options ?? []).map((o) => el("option", { value: o.value, selected: o.value === initial, text: o.text?.text ?? o.value })),
      );
    default:
      return el("input", { id, type: "text" });
  }
}

function collectValues(form, view) {
  const values = {};
  for (const block of view.blocks ?? []) {
    if (block.type !== "input") continue;
    const element = block.element ?? {};
    const field = form.querySelector(`#${CSS.escape(`${block.block_id}-${element.action_id}`)}`);
    const option = (value) => element.options?.find((o) => o.value === value);
    let value;
    switch (element.type) {
      case "datepicker":
        value = { type: element.type, selected_date: field.value || null };
        break;
      case "timepicker":
        value = { type: element.type, selected_time: field.value || null };
        break;
      case "datetimepicker":
        value = { type: element.type, selected_date_time: field.value ? Math.floor(new Date(field.value).getTime() / 1000) : null };
        break;
      case "static_select":
      case "radio_buttons":
        value = { type: element.type, selected_option: field.value ? option(field.value) : null };
        break;
      case "multi_static_select":
      case "checkboxes":
        value = { type: element.type, selected_options: [...field.selectedOptions].map((o) => option(o.value)) };
        break;
      default:
        value = { type: element.type, value: field.value || null };
    }
    values[block.block_id] = { [element.action_id]: value };
  }
  return values;
}

// ---- everything ----

function render() {
  if (!state) return;
  for (const town of state.towns) townFor(town);
  for (const persona of state.telegram) renderPhone(persona);
  for (const town of state.towns) renderSlack(town);
  renderModal();
  const log = document.getElementById("scenario-log");
  log.textContent = state.scenario.log.at(-1) ?? "";
  document.getElementById("scenario").disabled = state.scenario.running;
}

async function refresh() {
  state = await (await fetch("/sim/state")).json();
  render();
}

document.getElementById("scenario").addEventListener("click", () => post("/sim/scenario", {}));
new EventSource("/sim/events").addEventListener("change", refresh);
refresh();
