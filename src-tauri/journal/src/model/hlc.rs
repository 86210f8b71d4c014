//! Hybrid logical clock stamps.
//!
//! A stamp is wall-clock milliseconds in the high bits and a counter in the
//! low 16, packed in an `i64` so it sorts as a number in SQLite. A device's
//! clock never goes backwards, even if the computer's clock does, and it
//! moves past every stamp it has seen from other devices, so "later" in the
//! merge means later in causality. Ties between devices are broken by the
//! device id wherever stamps are compared.
//!
//! Clocks are bounded. A stamp outside [`Hlc::ZERO`]..=[`Hlc::MAX`] is
//! damage: no date can be written for it, and a clock pushed to the end of
//! `i64` would wrap round at its next tick. And a stamp seen from elsewhere
//! moves this clock at most [`MAX_AHEAD_MS`] past the computer's own
//! ([`Hlc::observe_bounded`]), so one computer with a wrong clock cannot
//! date everything written here in the future.

use chrono::{DateTime, TimeZone, Utc};

/// One clock reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc(pub i64);

const COUNTER_BITS: u32 = 16;
const COUNTER_MAX: i64 = (1 << COUNTER_BITS) - 1;

/// How far past this computer's clock a stamp seen from elsewhere may move
/// this journal's clock: a day.
pub const MAX_AHEAD_MS: i64 = 24 * 60 * 60 * 1000;

/// The last millisecond a stamp may be in: the end of 9999, or, sooner, the
/// last whose next stamp still fits in an `i64` (in the year 6429).
const MAX_MILLIS: i64 = {
    let end_of_9999 = 253_402_300_799_999;
    let fits = (i64::MAX >> COUNTER_BITS) - 1;
    if end_of_9999 < fits {
        end_of_9999
    } else {
        fits
    }
};

impl Hlc {
    /// The stamp before every other.
    pub const ZERO: Hlc = Hlc(0);

    /// The last stamp a clock may hold; any later one is damage.
    pub const MAX: Hlc = Hlc((MAX_MILLIS << COUNTER_BITS) | COUNTER_MAX);

    /// Whether the stamp is one a clock may hold (see [`Hlc::MAX`]).
    pub fn is_valid(self) -> bool {
        (Hlc::ZERO..=Hlc::MAX).contains(&self)
    }

    /// Wall-clock milliseconds since 1970.
    pub fn millis(self) -> i64 {
        self.0 >> COUNTER_BITS
    }

    /// The next stamp after `self` at wall-clock time `now_ms`. A clock
    /// already at [`Hlc::MAX`] stays there rather than wrap round.
    pub fn tick(self, now_ms: i64) -> Hlc {
        let now_ms = now_ms.min(MAX_MILLIS);
        let last_ms = self.millis();
        if self >= Hlc::MAX {
            return Hlc::MAX;
        }
        if now_ms > last_ms {
            Hlc(now_ms << COUNTER_BITS)
        } else if (self.0 & COUNTER_MAX) < COUNTER_MAX {
            Hlc(self.0 + 1)
        } else {
            // 65,535 events in one millisecond: borrow the next one.
            Hlc((last_ms + 1) << COUNTER_BITS)
        }
    }

    /// Our clock after seeing `remote`: never behind it.
    pub fn observe(self, remote: Hlc) -> Hlc {
        self.max(remote)
    }

    /// Our clock after seeing `remote`, at wall-clock time `now_ms`: never
    /// behind it, but never moved more than [`MAX_AHEAD_MS`] past `now_ms`
    /// by it (a stamp further ahead is accepted, and later stamps here may
    /// sort before it).
    pub fn observe_bounded(self, remote: Hlc, now_ms: i64) -> Hlc {
        let limit = Hlc(now_ms.saturating_add(MAX_AHEAD_MS).min(MAX_MILLIS) << COUNTER_BITS);
        self.max(remote.min(limit))
    }

    /// The wall-clock time of the stamp.
    pub fn to_datetime(self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.millis()).single().unwrap_or_default()
    }
}

/// The computer's clock in milliseconds.
pub fn wall_ms() -> i64 {
    Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_strictly_increasing_even_when_the_wall_clock_goes_back() {
        let a = Hlc::ZERO.tick(1_000);
        let b = a.tick(1_000);
        let c = b.tick(500);
        let d = c.tick(2_000);
        assert!(a < b && b < c && c < d);
        assert_eq!(c.millis(), 1_000);
        assert_eq!(d.millis(), 2_000);
    }

    #[test]
    fn counter_overflow_moves_to_the_next_millisecond() {
        let full = Hlc((7 << COUNTER_BITS) | COUNTER_MAX);
        let next = full.tick(7);
        assert!(next > full);
        assert_eq!(next.millis(), 8);
    }

    #[test]
    fn a_clock_never_wraps_round_and_remote_stamps_move_it_at_most_a_day_ahead() {
        assert!(Hlc::MAX.is_valid() && Hlc::ZERO.is_valid());
        assert!(!Hlc(-1).is_valid() && !Hlc(i64::MAX).is_valid());
        assert_eq!(Hlc::MAX.tick(i64::MAX), Hlc::MAX);
        let near_end = Hlc((MAX_MILLIS << COUNTER_BITS) | (COUNTER_MAX - 1));
        assert_eq!(near_end.tick(0), Hlc::MAX);
        assert!(Hlc::MAX.to_datetime().timestamp_millis() > 0);
        let now = 1_000_000_000_000;
        let local = Hlc::ZERO.tick(now);
        let year_3000 = Hlc(32_503_680_000_000 << COUNTER_BITS);
        let after = local.observe_bounded(year_3000, now);
        assert_eq!(after.millis(), now + MAX_AHEAD_MS);
        let near = Hlc((now + 60_000) << COUNTER_BITS);
        assert_eq!(local.observe_bounded(near, now), near);
    }

    #[test]
    fn observing_a_later_remote_stamp_moves_the_clock_past_it() {
        let local = Hlc::ZERO.tick(1_000);
        let remote = Hlc::ZERO.tick(5_000).tick(5_000);
        let after = local.observe(remote).tick(1_200);
        assert!(after > remote);
    }
}
