//! The phone metadata's validity patterns as table automata, built by src/build.rs.
//!
//! Validation asks four things of a pattern, all anchored at the start of a string of digits:
//! does it match the whole string (national-number patterns), does it match some prefix
//! (leading digits), where does the match the `regex` crate's `find` would report end (the
//! international prefix, the national prefix), and is there one at all. For each pattern
//! build.rs has determinized the regular expression over the ten digits and minimized the
//! union of all of them, so an answer is a walk down a static table, one row of ten `u16`
//! transitions per state: no compilation, no allocation, nothing to initialize, on the first
//! number of a region as on the millionth.
//!
//! Why not the alternatives:
//! - regex-automata's serialized dense DFAs also load without work, but carry a 256-byte
//!   alphabet (byte classes), 32-bit state ids, start tables and a header per pattern, and
//!   the search code; the patterns here only ever see digits, so ten transitions a state do.
//! - A lazy DFA (regex-automata's hybrid) still parses and builds an NFA for each pattern on
//!   first use, which is most of what the `regex` crate spends.
//!
//! State 0 is dead (no match can follow), shared by all automata; a state *accepts* when a
//! match ends where the walk stands, with one answer for the end of the input and one for
//! when more follows (only a pattern with `$`, as some national prefixes have, tells them
//! apart). A non-digit character leads to the dead state: build.rs
//! checks that every pattern matches digits only.

/// One pattern's automaton: its start state in [`STATES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Dfa(pub(super) u16);

include!(concat!(env!("OUT_DIR"), "/phone_automata.rs"));

/// A match ends at `state`: if the input ends there (`at_end`), or if more follows.
fn accepts(state: u16, at_end: bool) -> bool {
    let s = usize::from(state);
    let bits: &[u8] = if at_end { &ACCEPT } else { &ACCEPT_INSIDE };
    bits.get(s / 8).is_some_and(|b| b >> (s % 8) & 1 == 1)
}

fn step(state: u16, byte: u8) -> u16 {
    match (STATES.get(usize::from(state)), byte.wrapping_sub(b'0')) {
        (Some(row), d) if d < 10 => row[usize::from(d)],
        _ => 0,
    }
}

impl Dfa {
    /// The state after all of `digits` (0 once no match can follow).
    fn run(self, digits: &str) -> u16 {
        let mut state = self.0;
        for &b in digits.as_bytes() {
            state = step(state, b);
            if state == 0 {
                break;
            }
        }
        state
    }

    /// The pattern matches all of `digits` (the `regex` crate's `^(?:p)$`).
    pub fn matches_whole(self, digits: &str) -> bool {
        accepts(self.run(digits), true)
    }

    /// The pattern matches some prefix of `digits` (`^(?:p)` matches).
    pub fn matches_prefix(self, digits: &str) -> bool {
        let bytes = digits.as_bytes();
        let mut state = self.0;
        for (i, &b) in bytes.iter().enumerate() {
            if accepts(state, false) {
                return true;
            }
            state = step(state, b);
            if state == 0 {
                return false;
            }
            if i + 1 == bytes.len() {
                return accepts(state, true);
            }
        }
        accepts(state, true)
    }

    /// Where the match of `^(?:p)` that the `regex` crate finds ends in `digits`, for an
    /// automaton built leftmost-first (build.rs's `Kind::First`): the last accepting position
    /// before the walk dies or the string ends.
    pub fn match_end(self, digits: &str) -> Option<usize> {
        let bytes = digits.as_bytes();
        let mut state = self.0;
        let mut end = None;
        for (i, &b) in bytes.iter().enumerate() {
            if accepts(state, false) {
                end = Some(i);
            }
            state = step(state, b);
            if state == 0 {
                return end;
            }
        }
        if accepts(state, true) {
            end = Some(bytes.len());
        }
        end
    }

    /// States reachable in one digit, for tests that walk the automaton.
    #[cfg(test)]
    pub fn next(self, digit: u8) -> Dfa {
        Dfa(step(self.0, b'0' + digit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dead_state_matches_nothing() {
        let dead = Dfa(0);
        assert!(!dead.matches_whole(""));
        assert!(!dead.matches_prefix("123"));
        assert_eq!(dead.match_end("123"), None);
        assert!((0..10).all(|d| dead.next(d) == dead));
    }
}
