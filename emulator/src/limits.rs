//! The portal's request-intensity limit: a leaky bucket per portal. Each request adds one; the
//! level drains at a fixed rate; a request that would overflow the bucket is refused with
//! `QUERY_LIMIT_EXCEEDED`.

use std::time::Instant;

use serde::{Deserialize, Serialize};

/// Bucket size and drain rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests that may arrive at once.
    pub burst: f64,
    /// Requests per second the bucket drains.
    pub drain_per_second: f64,
}

impl RateLimit {
    /// Every plan but Enterprise: burst 50, 2 requests per second.
    pub const STANDARD: RateLimit = RateLimit {
        burst: 50.0,
        drain_per_second: 2.0,
    };
    /// Enterprise plans: burst 250, 5 requests per second.
    pub const ENTERPRISE: RateLimit = RateLimit {
        burst: 250.0,
        drain_per_second: 5.0,
    };
}

#[derive(Debug)]
pub(crate) struct LeakyBucket {
    limit: RateLimit,
    level: f64,
    last: Instant,
}

impl LeakyBucket {
    pub(crate) fn new(limit: RateLimit) -> LeakyBucket {
        LeakyBucket {
            limit,
            level: 0.0,
            last: Instant::now(),
        }
    }

    /// Admits one request at `now`, or refuses it without counting it.
    pub(crate) fn try_admit(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.level = (self.level - elapsed * self.limit.drain_per_second).max(0.0);
        if self.level + 1.0 > self.limit.burst {
            return false;
        }
        self.level += 1.0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn burst_then_drain_rate() {
        let mut b = LeakyBucket::new(RateLimit::STANDARD);
        let t0 = Instant::now();
        assert_eq!((0..60).filter(|_| b.try_admit(t0)).count(), 50);
        // Half a second drains one request at 2/s.
        assert!(b.try_admit(t0 + Duration::from_millis(500)));
        assert!(!b.try_admit(t0 + Duration::from_millis(500)));
        // Ten seconds drain twenty.
        let t1 = t0 + Duration::from_millis(10_500);
        assert_eq!((0..30).filter(|_| b.try_admit(t1)).count(), 20);
    }
}
