//! Hybrid logical clock stamps.
//!
//! A stamp is wall-clock milliseconds in the high bits and a counter in the
//! low 16, packed in an `i64` so it sorts as a number in SQLite. A device's
//! clock never goes backwards, even if the computer's clock does, and it
//! moves past every stamp it has seen from other devices, so "later" in the
//! merge means later in causality. Ties between devices are broken by the
//! device id wherever stamps are compared.

use chrono::{DateTime, TimeZone, Utc};

/// One clock reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hlc(pub i64);

const COUNTER_BITS: u32 = 16;
const COUNTER_MAX: i64 = (1 << COUNTER_BITS) - 1;

impl Hlc {
    /// The stamp before every other.
    pub const ZERO: Hlc = Hlc(0);

    /// Wall-clock milliseconds since 1970.
    pub fn millis(self) -> i64 {
        self.0 >> COUNTER_BITS
    }

    /// The next stamp after `self` at wall-clock time `now_ms`.
    pub fn tick(self, now_ms: i64) -> Hlc {
        let last_ms = self.millis();
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
    fn observing_a_later_remote_stamp_moves_the_clock_past_it() {
        let local = Hlc::ZERO.tick(1_000);
        let remote = Hlc::ZERO.tick(5_000).tick(5_000);
        let after = local.observe(remote).tick(1_200);
        assert!(after > remote);
    }
}
