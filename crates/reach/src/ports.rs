//! Sets of ports (or ICMP types) as sorted, disjoint ranges: what the exposure sweep and the
//! port-range search of a path carry through rules symbolically.

use std::ops::RangeInclusive;

/// A set of ports: sorted, disjoint, non-adjacent ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Ports(pub(crate) Vec<(u16, u16)>);

impl Ports {
    pub(crate) fn all() -> Ports {
        Ports(vec![(0, 65535)])
    }

    pub(crate) fn range(lo: u16, hi: u16) -> Ports {
        Ports(if lo <= hi { vec![(lo, hi)] } else { vec![] })
    }

    pub(crate) fn first(&self) -> Option<u16> {
        self.0.first().map(|r| r.0)
    }

    pub(crate) fn ranges(&self) -> Vec<RangeInclusive<u16>> {
        self.0.iter().map(|&(a, b)| a..=b).collect()
    }

    pub(crate) fn union(&self, o: &Ports) -> Ports {
        let mut all: Vec<(u16, u16)> = self.0.iter().chain(&o.0).copied().collect();
        all.sort_unstable();
        let mut out: Vec<(u16, u16)> = Vec::with_capacity(all.len());
        for (a, b) in all {
            match out.last_mut() {
                Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        Ports(out)
    }

    pub(crate) fn intersect(&self, o: &Ports) -> Ports {
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while i < self.0.len() && j < o.0.len() {
            let (a, b) = (self.0[i], o.0[j]);
            let (lo, hi) = (a.0.max(b.0), a.1.min(b.1));
            if lo <= hi {
                out.push((lo, hi));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        Ports(out)
    }

    pub(crate) fn complement(&self) -> Ports {
        let mut out = Vec::new();
        let mut next: u32 = 0;
        for &(a, b) in &self.0 {
            if u32::from(a) > next {
                out.push((next as u16, a - 1));
            }
            next = u32::from(b) + 1;
        }
        if next <= 65535 {
            out.push((next as u16, 65535));
        }
        Ports(out)
    }

    pub(crate) fn minus(&self, o: &Ports) -> Ports {
        self.intersect(&o.complement())
    }
}

#[cfg(test)]
mod tests {
    use super::Ports;

    #[test]
    fn port_sets() {
        let a = Ports(vec![(0, 10), (20, 30)]);
        let b = Ports(vec![(5, 25)]);
        assert_eq!(a.intersect(&b), Ports(vec![(5, 10), (20, 25)]));
        assert_eq!(a.union(&b), Ports(vec![(0, 30)]));
        assert_eq!(a.minus(&b), Ports(vec![(0, 4), (26, 30)]));
        assert_eq!(Ports::all().minus(&Ports::all()), Ports::default());
        assert_eq!(Ports::default().complement(), Ports::all());
        assert_eq!(
            Ports(vec![(0, 1)]).union(&Ports(vec![(2, 3)])),
            Ports(vec![(0, 3)])
        );
        assert_eq!(Ports::range(5, 4), Ports::default());
    }
}
