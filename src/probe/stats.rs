//! Statistics over round-trip samples: loss, min / median / p95 / max, standard deviation
//! (Welford's online algorithm) and interarrival jitter as RFC 3550 defines it.

use serde::Serialize;

/// Fewer samples than this make percentiles meaningless; summaries say so.
pub const MIN_SAMPLES_FOR_PERCENTILES: usize = 10;

/// Welford's online mean and variance: numerically stable, one pass.
#[derive(Clone, Copy, Debug, Default)]
pub struct Welford {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Welford {
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then_some(self.mean)
    }

    /// The sample standard deviation (n - 1), defined from two samples on.
    pub fn stddev(&self) -> Option<f64> {
        (self.n > 1).then(|| (self.m2 / (self.n - 1) as f64).sqrt())
    }
}

/// RFC 3550 section 6.4.1 interarrival jitter: J += (|D| - J) / 16 for each consecutive pair,
/// where D is the difference between successive transit times. With round-trip samples, D is
/// the difference between successive round trips.
#[derive(Clone, Copy, Debug, Default)]
pub struct Jitter {
    last: Option<f64>,
    jitter: f64,
}

impl Jitter {
    pub fn push(&mut self, transit: f64) {
        if let Some(last) = self.last {
            let d = (transit - last).abs();
            self.jitter += (d - self.jitter) / 16.0;
        }
        self.last = Some(transit);
    }

    /// The jitter estimate, defined from two samples on.
    pub fn value(&self) -> Option<f64> {
        self.last.map(|_| self.jitter)
    }
}

/// The nearest-rank percentile (`p` in 0..=100) of sorted samples.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The median of sorted samples (the mean of the middle two for an even count).
pub fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// A summary of a series of probes, each either answered in some milliseconds or lost.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub sent: u32,
    pub received: u32,
    pub loss_pct: f64,
    pub min_ms: Option<f64>,
    pub median_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub mean_ms: Option<f64>,
    pub stddev_ms: Option<f64>,
    pub jitter_ms: Option<f64>,
    /// Fewer than 10 answers: the percentiles are not meaningful.
    pub too_few_samples: bool,
}

impl Summary {
    /// Summarizes probes in the order they were sent: `Some(ms)` answered, `None` lost.
    pub fn of(samples: &[Option<f64>]) -> Summary {
        let mut welford = Welford::default();
        let mut jitter = Jitter::default();
        let mut rtts: Vec<f64> = Vec::with_capacity(samples.len());
        for rtt in samples.iter().flatten() {
            welford.push(*rtt);
            jitter.push(*rtt);
            rtts.push(*rtt);
        }
        rtts.sort_by(f64::total_cmp);
        let sent = samples.len() as u32;
        let received = rtts.len() as u32;
        let round = |v: f64| (v * 1000.0).round() / 1000.0;
        Summary {
            sent,
            received,
            loss_pct: if sent == 0 {
                0.0
            } else {
                round(100.0 * f64::from(sent - received) / f64::from(sent))
            },
            min_ms: rtts.first().copied().map(round),
            median_ms: median(&rtts).map(round),
            p95_ms: percentile(&rtts, 95.0).map(round),
            max_ms: rtts.last().copied().map(round),
            mean_ms: welford.mean().map(round),
            stddev_ms: welford.stddev().map(round),
            jitter_ms: jitter.value().map(round),
            too_few_samples: rtts.len() < MIN_SAMPLES_FOR_PERCENTILES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn two_pass_stddev(xs: &[f64]) -> f64 {
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
    }

    #[test]
    fn summary_of_a_known_series() {
        let s = Summary::of(&[Some(10.0), None, Some(20.0), Some(30.0), None]);
        assert_eq!((s.sent, s.received), (5, 3));
        assert_eq!(s.loss_pct, 40.0);
        assert_eq!(s.min_ms, Some(10.0));
        assert_eq!(s.median_ms, Some(20.0));
        assert_eq!(s.max_ms, Some(30.0));
        assert_eq!(s.mean_ms, Some(20.0));
        assert_eq!(s.stddev_ms, Some(10.0));
        // J = 0 -> (10 - 0)/16 = 0.625 -> 0.625 + (10 - 0.625)/16 = 1.2109375
        assert_eq!(s.jitter_ms, Some(1.211));
        assert!(s.too_few_samples);
    }

    #[test]
    fn empty_and_all_lost() {
        let s = Summary::of(&[]);
        assert_eq!(s.loss_pct, 0.0);
        assert_eq!(s.min_ms, None);
        let s = Summary::of(&[None, None]);
        assert_eq!(s.loss_pct, 100.0);
        assert_eq!(s.median_ms, None);
        assert_eq!(s.jitter_ms, None);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let xs: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&xs, 95.0), Some(19.0));
        assert_eq!(percentile(&xs, 100.0), Some(20.0));
        assert_eq!(percentile(&xs, 0.0), Some(1.0));
        assert_eq!(median(&xs), Some(10.5));
    }

    proptest! {
        #[test]
        fn welford_matches_the_two_pass_formula(xs in prop::collection::vec(0.0f64..10_000.0, 2..200)) {
            let mut w = Welford::default();
            xs.iter().for_each(|x| w.push(*x));
            let mean = xs.iter().sum::<f64>() / xs.len() as f64;
            prop_assert!((w.mean().unwrap() - mean).abs() < 1e-6 * mean.max(1.0));
            let sd = two_pass_stddev(&xs);
            prop_assert!((w.stddev().unwrap() - sd).abs() < 1e-6 * sd.max(1.0));
        }

        #[test]
        fn jitter_matches_the_rfc_3550_recurrence(xs in prop::collection::vec(0.0f64..1000.0, 2..100)) {
            let mut j = Jitter::default();
            xs.iter().for_each(|x| j.push(*x));
            let mut reference = 0.0f64;
            for pair in xs.windows(2) {
                reference += ((pair[1] - pair[0]).abs() - reference) / 16.0;
            }
            prop_assert!((j.value().unwrap() - reference).abs() < 1e-9);
        }

        #[test]
        fn percentiles_lie_within_the_samples(mut xs in prop::collection::vec(0.0f64..1e6, 1..300), p in 0.0f64..=100.0) {
            xs.sort_by(f64::total_cmp);
            let v = percentile(&xs, p).unwrap();
            prop_assert!(xs.contains(&v));
            let below = xs.iter().filter(|x| **x <= v).count() as f64;
            prop_assert!(below / xs.len() as f64 >= p / 100.0 - 1e-9, "nearest rank covers p% of samples");
            let m = median(&xs).unwrap();
            prop_assert!(m >= xs[0] && m <= xs[xs.len() - 1]);
        }

        #[test]
        fn loss_counts_every_lost_probe(samples in prop::collection::vec(prop::option::of(0.1f64..500.0), 0..100)) {
            let s = Summary::of(&samples);
            let lost = samples.iter().filter(|x| x.is_none()).count();
            prop_assert_eq!(s.sent as usize, samples.len());
            prop_assert_eq!(s.received as usize, samples.len() - lost);
            if !samples.is_empty() {
                let want = 100.0 * lost as f64 / samples.len() as f64;
                prop_assert!((s.loss_pct - want).abs() < 0.001);
            }
        }
    }
}
