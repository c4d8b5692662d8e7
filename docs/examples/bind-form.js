// The example bind form: every field checked as it is typed by bindcheck's validators
// (WebAssembly, the npm package `bindcheck`, docs/npm.md). Messages and hints come from the
// validators, so they are the same as `bindcheck validate` prints; only the labels, the help
// lines and the "looks good" lines are the form's own. Bundled as bind-form.html says;
// `init()` loads bindcheck_bg.wasm from beside the bundle.

import init, {
  brandInfo,
  formatCard,
  formatPhoneAsYouType,
  validate,
  validateCard,
  validateCvv,
  validateEmail,
  validateExpiry,
  validateIdNumber,
  validatePhone,
} from "bindcheck";

const FIELDS = ["phone", "email", "card", "expiry", "cvv", "id_number"];

const TEXT = {
  en: {
    title: "Bind a bank card",
    loading: "Loading the validators…",
    submit: "Bind card",
    footer: "Checked in your browser by bindcheck (WebAssembly): nothing you type is sent anywhere.",
    "phone.label": "Mobile phone",
    "email.label": "Email",
    "card.label": "Card number",
    "expiry.label": "Expiry date",
    "cvv.label": "Security code",
    "id_number.label": "Resident ID number",
    "phone.help": "The mobile number that receives the SMS code; + and the country code outside mainland China.",
    "email.help": "A verification email is sent here.",
    "card.help": "The long number on the card; the brand shows as you type.",
    "expiry.help": "As printed on the card: MM/YY.",
    "cvv.help": (size, front) => `The ${size}-digit code on the ${front ? "front" : "back"} of the card.`,
    "id_number.help": "18 characters, as on the ID card; the last may be X.",
    "phone.ok": (v) => `Mobile number in ${v.region}: ${v.normalized}`,
    "email.ok": (v) => `Looks good: ${v.normalized}`,
    "card.ok": (v, name) => `${name} card: ${v.normalized}`,
    "expiry.ok": (v) => `Valid through ${v.normalized}.`,
    "cvv.ok": () => "Looks good.",
    "id_number.ok": (v) => `Looks good: ${v.normalized}`,
    "card.typing": (name, lengths) => (name ? `${name}: keep typing (${lengths} digits).` : "Keep typing…"),
    suggestion: (domain) => `Use ${domain}`,
    ready: (r) => `Ready to bind. The wallet would receive (masked here): ${r}`,
    notReady: "Some fields still need fixing.",
  },
  "zh-CN": {
    title: "绑定银行卡",
    loading: "正在加载校验程序…",
    submit: "绑定",
    footer: "由 bindcheck（WebAssembly）在浏览器中校验：您输入的内容不会发送到任何地方。",
    "phone.label": "手机号码",
    "email.label": "电子邮箱",
    "card.label": "银行卡号",
    "expiry.label": "有效期",
    "cvv.label": "安全码",
    "id_number.label": "身份证号",
    "phone.help": "用于接收短信验证码的手机号；境外号码请加 + 和国家代码。",
    "email.help": "验证邮件将发送到此邮箱。",
    "card.help": "卡面上的长号码；输入时会显示卡组织。",
    "expiry.help": "按卡面填写：月/年（MM/YY）。",
    "cvv.help": (size, front) => `卡片${front ? "正面" : "背面"}的 ${size} 位数字。`,
    "id_number.help": "18 位，与身份证一致；最后一位可能是 X。",
    "phone.ok": (v) => `${v.region} 手机号码：${v.normalized}`,
    "email.ok": (v) => `格式正确：${v.normalized}`,
    "card.ok": (v, name) => `${name} 卡：${v.normalized}`,
    "expiry.ok": (v) => `有效期至 ${v.normalized}。`,
    "cvv.ok": () => "格式正确。",
    "id_number.ok": (v) => `格式正确：${v.normalized}`,
    "card.typing": (name, lengths) => (name ? `${name}：请继续输入（共 ${lengths} 位）。` : "请继续输入…"),
    suggestion: (domain) => `改为 ${domain}`,
    ready: (r) => `可以绑定。钱包将收到（此处已脱敏）：${r}`,
    notReady: "还有字段需要修改。",
  },
};

const state = {
  lang: initialLang(),
  touched: new Set(),
  views: {},
};

const $ = (id) => document.getElementById(id);
const t = (key) => TEXT[state.lang][key];

function initialLang() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "en" || asked === "zh-CN") return asked;
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

function cardBrand() {
  const brand = state.views.card?.brand;
  return brand ? brandInfo(brand) : undefined;
}

function check(field, value) {
  const options = { lang: state.lang };
  switch (field) {
    case "phone":
      return validatePhone(value, options);
    case "email":
      return validateEmail(value, options);
    case "card":
      return validateCard(value, options);
    case "expiry":
      return validateExpiry(value, options);
    case "cvv":
      return validateCvv(value, { ...options, brand: state.views.card?.brand ?? null });
    case "id_number":
      return validateIdNumber(value, options);
  }
  throw new Error(`unknown field ${field}`);
}

function help(field) {
  if (field === "cvv") {
    const info = cardBrand();
    return t("cvv.help")(info?.codeSize ?? 3, info?.brand === "american-express");
  }
  return t(`${field}.help`);
}

// What the card field shows beside the number: the brand once the digits determine it,
// else the few brands they may still belong to.
function renderBrand(view) {
  const badge = $("card-brand");
  if (view.brand) {
    badge.textContent = brandInfo(view.brand).niceName;
    badge.className = "brand known";
    badge.dataset.brand = view.brand;
  } else {
    const names = (view.candidates ?? []).map((b) => brandInfo(b).niceName);
    badge.textContent = names.length > 0 && names.length <= 3 ? names.join(" / ") : "";
    badge.className = "brand";
    delete badge.dataset.brand;
  }
}

// Checks one field and shows its state, message and hint. Errors wait until the person
// has left the field once (or for a card number, until the digits can no longer become
// valid), so that nobody is told off for a number they have not finished typing.
function render(field) {
  const input = $(field);
  const value = input.value;
  const view = check(field, value);
  state.views[field] = view;
  const focused = document.activeElement === input;
  const touched = state.touched.has(field);

  let kind = "";
  let message = "";
  let hint = help(field);
  const error = view.findings.find((f) => f.severity === "error");
  const note = view.findings.find((f) => f.severity !== "error");

  if (field === "card") {
    renderBrand(view);
    $("cvv").maxLength = cardBrand()?.codeSize ?? 4;
  }

  if (value.trim() === "" && !touched) {
    // Nothing typed yet: the help line only.
  } else if (view.valid) {
    kind = note?.severity === "warning" ? "warning" : "ok";
    if (note) {
      message = `${note.severity === "warning" ? "⚠" : "ℹ"} ${note.message}`;
      hint = note.hint;
    } else {
      const name = view.brand ? brandInfo(view.brand).niceName : "";
      message = `✓ ${t(`${field}.ok`)(view, name)}`;
    }
  } else if (field === "card" && focused && view.potentially_valid) {
    const info = cardBrand();
    message = t("card.typing")(info?.niceName, info?.lengths.join("/"));
  } else if (focused && !touched) {
    // Still typing a field not yet left.
  } else {
    kind = "error";
    message = `✗ ${error.message}`;
    hint = error.hint;
  }

  const box = input.closest(".field");
  box.dataset.state = kind;
  input.setAttribute("aria-invalid", kind === "error" ? "true" : "false");
  $(`${field}-message`).textContent = message;
  $(`${field}-hint`).textContent = hint;

  if (field === "email") {
    const button = $("email-suggestion");
    button.hidden = !view.suggestion;
    button.textContent = view.suggestion ? t("suggestion")(view.suggestion) : "";
  }
}

function renderAll() {
  for (const field of FIELDS) render(field);
  updateSubmit();
}

function updateSubmit() {
  $("submit").disabled = !FIELDS.every((f) => state.views[f]?.valid);
}

// Groups the card digits as printed for the brand (4-4-4-4, Amex 4-6-5), keeping the
// caret after the same digit.
function regroupCard(input) {
  const before = input.value.slice(0, input.selectionStart ?? input.value.length);
  const digitsBefore = before.replace(/\D/g, "").length;
  let grouped = formatCard(input.value);
  let digits = 0;
  let cut = grouped.length;
  for (let i = 0; i < grouped.length; i++) {
    if (grouped[i] !== " " && ++digits > 19) {
      cut = i;
      break;
    }
  }
  grouped = grouped.slice(0, cut).trimEnd();
  if (grouped === input.value) return;
  input.value = grouped;
  let pos = 0;
  for (let seen = 0; pos < grouped.length && seen < digitsBefore; pos++) {
    if (grouped[pos] !== " ") seen++;
  }
  input.setSelectionRange(pos, pos);
}

// Formats the phone number as libphonenumber does while it is typed (`138 0013 8000`,
// `+44 20 7031 3000`), the caret kept after the same digit. Not while an input method is
// composing: changing the value then would cancel what it composes.
function reformatPhone(input, event) {
  if (event?.isComposing) return;
  const { formatted, caret } = formatPhoneAsYouType(input.value, input.selectionStart);
  if (formatted === input.value) return;
  input.value = formatted;
  input.setSelectionRange(caret, caret);
}

// `1229` becomes `12/29` and `3` becomes `03/` while typing forwards.
function shapeExpiry(input, event) {
  if (!event.inputType?.startsWith("insert")) return;
  const v = input.value;
  if (/^[2-9]$/.test(v)) input.value = `0${v}/`;
  else if (/^\d{2}$/.test(v)) input.value = `${v}/`;
  else if (/^\d{3,4}$/.test(v)) input.value = `${v.slice(0, 2)}/${v.slice(2)}`;
}

function applyLang(lang) {
  state.lang = lang;
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
  }
  document.title = `${t("title")} · bindcheck`;
  const url = new URL(location.href);
  url.searchParams.set("lang", lang);
  history.replaceState(null, "", url);
  $("result").textContent = "";
  renderAll();
}

function submit(event) {
  event.preventDefault();
  const inputs = Object.fromEntries(FIELDS.map((f) => [f, $(f).value]));
  const result = validate(inputs, { lang: state.lang });
  if (!result.ok) {
    $("result").textContent = t("notReady");
    return;
  }
  const shown = ["phone", "email", "card"].map((f) => result.fields[f].normalized).join(", ");
  $("result").textContent = `✓ ${t("ready")(shown)}`;
}

async function main() {
  $("bind").hidden = true;
  await init();
  for (const field of FIELDS) {
    const input = $(field);
    input.addEventListener("input", (event) => {
      if (field === "phone") reformatPhone(input, event);
      if (field === "card") regroupCard(input);
      if (field === "expiry") shapeExpiry(input, event);
      render(field);
      // The brand sets the security code's length.
      if (field === "card") render("cvv");
      $("result").textContent = "";
      updateSubmit();
    });
    input.addEventListener("blur", () => {
      state.touched.add(field);
      render(field);
      updateSubmit();
    });
  }
  $("phone").addEventListener("compositionend", () => {
    reformatPhone($("phone"));
    render("phone");
    updateSubmit();
  });
  $("email-suggestion").addEventListener("click", () => {
    const email = $("email");
    const suggestion = state.views.email?.suggestion;
    if (!suggestion) return;
    email.value = `${email.value.slice(0, email.value.lastIndexOf("@") + 1)}${suggestion}`;
    render("email");
    updateSubmit();
    email.focus();
  });
  for (const b of document.querySelectorAll("[data-lang]")) {
    b.addEventListener("click", () => applyLang(b.dataset.lang));
  }
  $("bind").addEventListener("submit", submit);
  applyLang(state.lang);
  $("loading").hidden = true;
  $("bind").hidden = false;
  document.body.dataset.ready = "true";
}

main().catch((error) => {
  $("loading").textContent = `bindcheck could not load: ${error}`;
  throw error;
});
