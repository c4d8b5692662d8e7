//! Where input values come from: the command line, `-` (standard input, or a hidden prompt
//! on a terminal), or `BINDCHECK_*` environment variables, so that a card number need not
//! appear in shell history or the process list.

use std::io::{self, BufRead, IsTerminal};

use super::UsageError;
use bindcheck::validate::{Field, Inputs, Lang};

/// The environment variable that supplies `field` when its flag is absent.
pub fn env_var(field: Field) -> &'static str {
    match field {
        Field::Phone => "BINDCHECK_PHONE",
        Field::Email => "BINDCHECK_EMAIL",
        Field::Card => "BINDCHECK_CARD",
        Field::Expiry => "BINDCHECK_EXPIRY",
        Field::Cvv => "BINDCHECK_CVV",
        Field::IdNumber => "BINDCHECK_ID_NUMBER",
        Field::Name => "BINDCHECK_NAME",
    }
}

/// The command-line flag for `field`.
pub fn flag(field: Field) -> String {
    format!("--{}", field.as_str().replace('_', "-"))
}

/// Fills absent fields from the environment, then replaces each `-` with a line read from
/// standard input (in field order), or with a hidden prompt when standard input is a terminal.
pub fn resolve(inputs: &mut Inputs, lang: Lang) -> Result<(), UsageError> {
    for field in Field::ALL {
        if inputs.get(field).is_none() {
            if let Ok(value) = std::env::var(env_var(field)) {
                inputs.set(field, Some(value));
            }
        }
    }
    let stdin = io::stdin();
    let interactive = stdin.is_terminal();
    let mut lines = stdin.lock().lines();
    for field in Field::ALL {
        if inputs.get(field) != Some("-") {
            continue;
        }
        let value =
            if interactive {
                rpassword::prompt_password(format!("{}: ", field.label(lang))).map_err(|e| {
                    UsageError::new(
                        format!("could not read {} from the terminal: {e}", flag(field)),
                        format!("pass the value in the {} environment variable instead", env_var(field)),
                    )
                    .zh(
                        format!("无法从终端读取 {}：{e}", flag(field)),
                        format!("请改用环境变量 {} 传入这个值", env_var(field)),
                    )
                })?
            } else {
                match lines.next() {
                    Some(Ok(line)) => line,
                    Some(Err(e)) => {
                        return Err(UsageError::new(
                            format!("could not read {} from standard input: {e}", flag(field)),
                            "pipe one value per line, in the order phone, email, card, expiry, cvv, id-number, name",
                        )
                        .zh(
                            format!("无法从标准输入读取 {}：{e}", flag(field)),
                            "每行一个值，依次为 phone、email、card、expiry、cvv、id-number、name",
                        ))
                    }
                    None => return Err(UsageError::new(
                        format!("{} is `-`, but standard input ended before its value", flag(field)),
                        "pipe one line per `-` value, in the order phone, email, card, expiry, cvv, id-number, name",
                    )
                    .zh(
                        format!("{} 为 `-`，但标准输入在它的值之前就结束了", flag(field)),
                        "每个 `-` 值一行，依次为 phone、email、card、expiry、cvv、id-number、name",
                    )),
                }
            };
        inputs.set(field, Some(value.trim_end_matches(['\r', '\n']).to_owned()));
    }
    Ok(())
}
