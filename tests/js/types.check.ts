// Compiled (not run) by api.test.mjs with `tsc --strict`: the declarations in
// target/wasm-pkg/bindcheck.d.ts describe the API as a form developer uses it.
import init, {
  brandInfo,
  formatCard,
  formatPhoneAsYouType,
  maskCard,
  validate,
  validateCard,
  validateCvv,
  validateEmail,
  validateExpiry,
  validatePhone,
  type FieldView,
  type Finding,
  type PhoneAsYouType,
  type Validation,
} from "../../target/wasm-pkg/bindcheck.js";

export async function example(): Promise<string[]> {
  await init();
  const phone: FieldView = validatePhone("138 0013 8000", { defaultRegion: null, allowedRegions: ["CN"], lang: "zh-CN" });
  const card = validateCard("4111", { allowedBrands: ["visa"], allowedKinds: ["debit"] });
  const first: Finding | undefined = card.findings[0];
  const brand: string | undefined = card.brand ?? card.candidates?.[0];
  const codeSize: number = brand ? (brandInfo(brand)?.codeSize ?? 3) : 3;
  const cvv = validateCvv("123", { brand: card.brand ?? null });
  const expiry = validateExpiry("12/29", { today: "2026-11-26" });
  const form: Validation = validate({ phone: "13800138000", id_number: null }, { requireMobile: false, today: "2026-11-26" });
  const ok: boolean = form.ok && (form.fields.phone?.valid ?? false);
  const coBadged = validateCard("6222029912345673", { binTable: "prefix,issuer,brands\n62220299,ICBC Asia,unionpay+visa\n", unionpayLuhn: "error" });
  const networks: string[] = [coBadged.brand ?? "", ...(coBadged.co_brands ?? []), coBadged.issuer?.country ?? ""];
  const email = validateEmail("zhang@qq.con");
  const suggestion: string | undefined = email.suggestion;
  // The caret as an input's selectionStart gives it (a number, or null).
  const field = { value: "1380013", selectionStart: 7 as number | null };
  const typed: PhoneAsYouType = formatPhoneAsYouType(field.value, field.selectionStart, { defaultRegion: "US" });
  const caret: number = typed.caret;

  // @ts-expect-error: only "en" and "zh-CN"
  validatePhone("1", { lang: "fr" });
  // @ts-expect-error: requireMobile is a boolean
  validatePhone("1", { requireMobile: "yes" });
  // @ts-expect-error: unionpayLuhn is "warn" or "error"
  validateCard("1", { unionpayLuhn: "strict" });
  // @ts-expect-error: the caret is a number
  formatPhoneAsYouType("1", "1");
  // @ts-expect-error: a Finding's severity is a closed set
  const severity: "fatal" = phone.findings[0].severity;

  return [
    String(phone.valid),
    first?.code ?? "",
    String(codeSize),
    String(cvv.valid),
    expiry.normalized ?? "",
    String(ok),
    suggestion ?? "",
    formatCard("4111111111111111"),
    `${typed.formatted}@${caret}`,
    maskCard("4111111111111111"),
    severity,
    ...networks,
  ];
}
