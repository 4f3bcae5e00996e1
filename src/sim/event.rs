//! The packed event entry of the simulator's heap.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(super) enum Kind {
    Completion = 0,
    Abandon = 1,
    BotDone = 2,
    Retry = 3,
    Boundary = 4,
    /// A predictive dialer's line stops ringing (a: contact, b: generation).
    RingEnd = 5,
    /// An answered predictive call found no agent in time (a: contact, b:
    /// generation).
    Drop = 6,
}

/// Bits of each of an event's two operands (agent, contact, generation,
/// channel or interval): 30, so that an event packs into one `u64` beside its
/// kind and a heap entry is 16 bytes (four children in 64 bytes).
pub(super) const OPERAND_BITS: u32 = 30;
pub(super) const OPERAND_MASK: u64 = (1 << OPERAND_BITS) - 1;

/// An event's payload, what happens and to whom, packed:
/// kind in bits 0–2, `a` in bits 3–32, `b` in bits 33–62.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ev(u64);

impl Ev {
    #[inline]
    pub(super) fn new(kind: Kind, a: u32, b: u32) -> Self {
        debug_assert!(u64::from(a) <= OPERAND_MASK && u64::from(b) <= OPERAND_MASK);
        Ev(kind as u64 | (u64::from(a) & OPERAND_MASK) << 3 | (u64::from(b) & OPERAND_MASK) << 33)
    }

    #[inline]
    pub(super) fn kind(self) -> Kind {
        match self.0 & 7 {
            0 => Kind::Completion,
            1 => Kind::Abandon,
            2 => Kind::BotDone,
            3 => Kind::Retry,
            4 => Kind::Boundary,
            5 => Kind::RingEnd,
            _ => Kind::Drop,
        }
    }

    #[inline]
    pub(super) fn a(self) -> u32 {
        ((self.0 >> 3) & OPERAND_MASK) as u32
    }

    #[inline]
    pub(super) fn b(self) -> u32 {
        ((self.0 >> 33) & OPERAND_MASK) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::MAX_AGENTS;

    #[test]
    fn events_pack_and_unpack() {
        let max = OPERAND_MASK as u32;
        for kind in [
            Kind::Completion,
            Kind::Abandon,
            Kind::BotDone,
            Kind::Retry,
            Kind::Boundary,
            Kind::RingEnd,
            Kind::Drop,
        ] {
            for (a, b) in [(0, 0), (1, max), (max, 1), (max, max), (123_456, 789)] {
                let e = Ev::new(kind, a, b);
                assert_eq!((e.kind(), e.a(), e.b()), (kind, a, b));
            }
        }
        assert!(u64::from(MAX_AGENTS) * 2 < OPERAND_MASK);
    }
}
