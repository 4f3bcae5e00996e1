//! The event queue: a 4-ary min-heap keyed by (time, insertion number).
//!
//! Times are non-negative, so the bits of an `f64` order like the numbers;
//! the key `time_bits << 64 | seq` compares in one `u128` comparison and
//! makes ties leave in insertion order. A 4-ary heap has half the levels of
//! a binary one, and the four children of a node share a cache line or two.

/// An entry: its key and a payload.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry<T: Copy> {
    key: u128,
    pub item: T,
}

impl<T: Copy> Entry<T> {
    /// The entry's time.
    #[inline]
    pub fn time(&self) -> f64 {
        f64::from_bits((self.key >> 64) as u64)
    }
}

/// A min-heap of entries by (time, insertion order).
#[derive(Debug, Clone)]
pub(super) struct EventQueue<T: Copy> {
    heap: Vec<Entry<T>>,
    seq: u64,
}

impl<T: Copy> EventQueue<T> {
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::new(),
            seq: 0,
        }
    }

    /// Adds `item` at time `t >= 0`.
    #[inline]
    pub fn push(&mut self, t: f64, item: T) {
        debug_assert!(t >= 0.0);
        self.seq += 1;
        let key = ((t.to_bits() as u128) << 64) | self.seq as u128;
        let mut i = self.heap.len();
        self.heap.push(Entry { key, item });
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.heap[parent].key <= key {
                break;
            }
            self.heap[i] = self.heap[parent];
            i = parent;
        }
        self.heap[i] = Entry { key, item };
    }

    /// The earliest entry's time.
    #[inline]
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.first().map(Entry::time)
    }

    /// Removes and returns the earliest entry.
    #[inline]
    pub fn pop(&mut self) -> Option<Entry<T>> {
        let last = self.heap.pop()?;
        if self.heap.is_empty() {
            return Some(last);
        }
        let top = self.heap[0];
        let heap = &mut self.heap[..];
        let n = heap.len();
        let mut i = 0;
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let kids = &heap[first..(first + 4).min(n)];
            let mut best = 0;
            let mut best_key = kids[0].key;
            for (j, k) in kids.iter().enumerate().skip(1) {
                if k.key < best_key {
                    best = j;
                    best_key = k.key;
                }
            }
            if best_key >= last.key {
                break;
            }
            heap[i] = heap[first + best];
            i = first + best;
        }
        heap[i] = last;
        Some(top)
    }

    /// The entries, in no particular order.
    #[allow(dead_code)]
    pub fn iter(&self) -> impl Iterator<Item = &Entry<T>> {
        self.heap.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut q = EventQueue::new();
        let mut rng = crate::arrivals::stream_rng(1, 0);
        let mut items = Vec::new();
        for i in 0..2000u32 {
            // Many ties: times on a coarse grid.
            let t = (rng.random_range(0..50u32) as f64) * 0.5;
            q.push(t, i);
            items.push((t, i));
        }
        items.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let popped: Vec<(f64, u32)> =
            std::iter::from_fn(|| q.pop().map(|e| (e.time(), e.item))).collect();
        assert_eq!(popped, items);
        assert!(q.pop().is_none());
    }
}
