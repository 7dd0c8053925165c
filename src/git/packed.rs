//! Objects read straight from the packs, where gix's own lookup repeats work.
//!
//! gix resolves each object's delta chain on its own, with a cache of recent
//! results; a full object that many deltas are based on is never cached, so
//! it is inflated again for each of them (on the PEP history, 49 MB of bases
//! inflated for 17 MB of them). Two readers avoid that:
//! - [`read_each`], for many blobs at once (history reads nearly every
//!   version of every story): the wanted objects are arranged as their
//!   packs' delta forest and each tree is walked depth first, so every entry
//!   is inflated once and only the chain above the current object is held;
//! - [`Chains`], for objects one at a time in an order the caller sets (the
//!   trees of a walk through commits): recent decoded entries are kept, the
//!   full objects at the roots of chains among them.
//!
//! Whatever these cannot place (loose objects, alternates, a damaged or
//! unusual pack) is left to the caller, which reads it through gix's own
//! lookup, so that errors are reported the usual way.

use std::path::Path;
use std::rc::Rc;

use gix::odb::pack;
use rayon::prelude::*;

use super::Oid;

/// A repository's packs, opened once and shared by every thread.
pub(super) type Packs = std::sync::Arc<Vec<pack::Bundle>>;

/// No object a backlog reads comes near this; a larger size in a pack entry
/// is damage, and the object is left to gix.
const MAX_OBJECT_BYTES: u64 = 1 << 30;

struct Node {
    bundle: usize,
    offset: u64,
    /// The entry this one is a delta on; `None` for a full object.
    parent: Option<usize>,
    children: Vec<usize>,
    /// Indices into the caller's ids of the objects stored in this entry.
    wanted: Vec<usize>,
    /// Its chain was followed to a full object, or found damaged.
    placed: bool,
    damaged: bool,
}

/// The delta forest of the wanted objects in one repository's packs.
struct Forest {
    bundles: Packs,
    nodes: Vec<Node>,
    at: foldhash::HashMap<(usize, u64), usize>,
}

impl Forest {
    fn node(&mut self, bundle: usize, offset: u64) -> usize {
        *self.at.entry((bundle, offset)).or_insert_with(|| {
            self.nodes.push(Node {
                bundle,
                offset,
                parent: None,
                children: Vec::new(),
                wanted: Vec::new(),
                placed: false,
                damaged: false,
            });
            self.nodes.len() - 1
        })
    }

    /// Follows the chain from `start` to its full object (or to a node
    /// already placed), recording each entry's parent.
    fn place(&mut self, start: usize) {
        let mut current = start;
        while !self.nodes[current].placed {
            self.nodes[current].placed = true;
            let Node { bundle, offset, .. } = self.nodes[current];
            let b = &self.bundles[bundle];
            let base = match b.pack.entry(offset) {
                Err(_) => None,
                Ok(entry) if !entry.header.is_delta() => return,
                Ok(entry) => base_of(b, &entry),
            };
            let Some(base) = base else {
                self.nodes[current].damaged = true;
                return;
            };
            let parent = self.node(bundle, base);
            self.nodes[current].parent = Some(parent);
            self.nodes[parent].children.push(current);
            current = parent;
        }
    }
}

/// The packs under `objects_dir`, newest first, as git looks them up.
pub(super) fn open_packs(objects_dir: &Path, hash: gix::hash::Kind) -> Vec<pack::Bundle> {
    let mut bundles: Vec<pack::Bundle> = std::fs::read_dir(objects_dir.join("pack"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .filter_map(|p| pack::Bundle::at(&p, hash).ok())
        .collect();
    bundles.sort_by_key(|b| {
        std::cmp::Reverse(
            std::fs::metadata(b.pack.path())
                .and_then(|m| m.modified())
                .ok(),
        )
    });
    bundles
}

/// The pack and offset of the entry that stores `id`.
fn locate(bundles: &[pack::Bundle], id: &Oid) -> Option<(usize, u64)> {
    bundles.iter().enumerate().find_map(|(b, bundle)| {
        let at = bundle.index.lookup(id.0)?;
        Some((b, bundle.index.pack_offset_at_index(at)))
    })
}

/// Where the base of the delta `entry` of `bundle` is: before it in the
/// pack, or named by id in the same pack (a base elsewhere is left to gix).
fn base_of(bundle: &pack::Bundle, entry: &pack::data::Entry) -> Option<u64> {
    match entry.header {
        pack::data::entry::Header::OfsDelta { base_distance } => {
            entry.checked_base_pack_offset(base_distance)
        }
        pack::data::entry::Header::RefDelta { base_id } => {
            let index = &bundle.index;
            Some(index.pack_offset_at_index(index.lookup(base_id)?))
        }
        _ => None,
    }
}

/// The entry at `offset` of `pack` inflated; `None` when it cannot be read
/// or claims a size no backlog object comes near (damage: left to gix).
fn inflate_entry(
    pack: &pack::data::File,
    entry: &pack::data::Entry,
    inflate: &mut gix::zlib::Inflate,
) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    inflate_into(pack, entry, inflate, &mut buf)?;
    Some(buf)
}

/// [`inflate_entry`] into `buf` (a buffer used again).
fn inflate_into(
    pack: &pack::data::File,
    entry: &pack::data::Entry,
    inflate: &mut gix::zlib::Inflate,
    buf: &mut Vec<u8>,
) -> Option<()> {
    if entry.decompressed_size > MAX_OBJECT_BYTES {
        return None;
    }
    buf.clear();
    buf.resize(entry.decompressed_size as usize, 0);
    pack.decompress_entry(entry, inflate, buf).ok()?;
    Some(())
}

/// Objects read one at a time (the trees of a walk through history), with
/// the decoded bytes of recent pack entries kept, the full objects that
/// delta chains start from among them. gix keeps only each chain's last
/// result, never its full object, so every tree stored as a delta on one of
/// a few full trees inflated that tree again: on a wide history, a fifth of
/// a cold `log`. One reader per thread.
pub(super) struct Chains {
    packs: Packs,
    inflate: gix::zlib::Inflate,
    /// Decoded entries by (pack, offset), with their last use.
    kept: foldhash::HashMap<(usize, u64), Kept>,
    /// The bytes the kept entries hold (their buffers' capacity), and how
    /// many they may hold: [`CHAINS_KEEP_BYTES`], or a few of the largest
    /// entry seen, so a folder of 100,000 files, whose tree alone is
    /// several MB, still has its full trees kept.
    kept_bytes: usize,
    budget: usize,
    /// Entries by use, oldest first; a use superseded by a later one of
    /// the same entry is skipped when it comes up.
    uses: std::collections::VecDeque<((usize, u64), u64)>,
    clock: u64,
    /// Buffers of forgotten entries, used again: a fresh allocation for
    /// every tree made the allocator hand pages back and fault them in.
    spare: Vec<Vec<u8>>,
    /// Each delta's instructions, inflated.
    delta: Vec<u8>,
}

struct Kept {
    kind: gix::object::Kind,
    data: Rc<Vec<u8>>,
    used: u64,
}

/// How many decoded bytes a [`Chains`] keeps at least: the full objects a
/// folder's trees are deltas on, and the trees of the last few commits.
const CHAINS_KEEP_BYTES: usize = 8 << 20;

/// How many of its largest entry a [`Chains`] keeps at least.
const CHAINS_KEEP_LARGEST: usize = 4;

/// How many buffers of forgotten entries a [`Chains`] keeps for use again:
/// a read takes one for its result and one for each delta it applies.
const SPARE_BUFFERS: usize = 4;

/// Longer chains than git writes (its default depth is 50, its maximum
/// 4095) are damage, or a cycle of references: left to gix.
const MAX_CHAIN: usize = 4096;

impl Chains {
    pub(super) fn new(packs: Packs) -> Chains {
        Chains {
            packs,
            inflate: Default::default(),
            kept: Default::default(),
            kept_bytes: 0,
            budget: CHAINS_KEEP_BYTES,
            uses: Default::default(),
            clock: 0,
            spare: Vec::new(),
            delta: Vec::new(),
        }
    }

    /// The packs it reads.
    pub(super) fn packs(&self) -> Packs {
        self.packs.clone()
    }

    /// Keeps at most `bytes` (or four of its largest entry): a test's way to
    /// make it forget entries and read them again along their chains.
    #[cfg(test)]
    pub(super) fn keep_at_most(&mut self, bytes: usize) {
        self.budget = bytes;
    }

    /// Takes back a buffer the caller is done with.
    pub(super) fn recycle(&mut self, buf: Vec<u8>) {
        if self.spare.len() < SPARE_BUFFERS && buf.capacity() > 0 {
            self.spare.push(buf);
        }
    }

    /// Takes back an entry's bytes, when nothing else holds them.
    fn forget(&mut self, data: Rc<Vec<u8>>) {
        if let Ok(buf) = Rc::try_unwrap(data) {
            self.recycle(buf);
        }
    }

    /// The object `id` when a pack holds it and its chain reads; `None`
    /// leaves it to gix (loose objects, alternates, damage).
    pub(super) fn read(&mut self, id: &Oid) -> Option<(gix::object::Kind, Rc<Vec<u8>>)> {
        let (bundle, offset) = locate(&self.packs, id)?;
        let packs = self.packs.clone();
        let pack = &packs[bundle].pack;
        // From the wanted entry down its chain to a kept or a full object.
        let mut deltas: Vec<(u64, pack::data::Entry)> = Vec::new();
        let mut at = offset;
        let (kind, mut data) = loop {
            if let Some(kept) = self.kept.get_mut(&(bundle, at)) {
                self.clock += 1;
                kept.used = self.clock;
                self.uses.push_back(((bundle, at), self.clock));
                break (kept.kind, kept.data.clone());
            }
            if deltas.len() > MAX_CHAIN {
                return None;
            }
            let entry = pack.entry(at).ok()?;
            if !entry.header.is_delta() {
                let kind = entry.header.as_kind()?;
                let mut buf = self.spare.pop().unwrap_or_default();
                inflate_into(pack, &entry, &mut self.inflate, &mut buf)?;
                let data = Rc::new(buf);
                self.keep((bundle, at), kind, &data);
                break (kind, data);
            }
            let base = base_of(&packs[bundle], &entry)?;
            deltas.push((at, entry));
            at = base;
        };
        // Each delta applied in turn, every result kept: a later object's
        // chain may pass through it.
        for (at, entry) in deltas.iter().rev() {
            inflate_into(pack, entry, &mut self.inflate, &mut self.delta)?;
            let mut out = self.spare.pop().unwrap_or_default();
            apply_into(&data, &self.delta, &mut out)?;
            data = Rc::new(out);
            self.keep((bundle, *at), kind, &data);
        }
        self.compact();
        Some((kind, data))
    }

    /// Keeps a decoded entry, forgetting the least recently used beyond
    /// the budget.
    fn keep(&mut self, key: (usize, u64), kind: gix::object::Kind, data: &Rc<Vec<u8>>) {
        let bytes = data.capacity();
        self.budget = self.budget.max(CHAINS_KEEP_LARGEST * bytes);
        self.clock += 1;
        let kept = Kept {
            kind,
            data: data.clone(),
            used: self.clock,
        };
        self.kept_bytes += bytes;
        if let Some(old) = self.kept.insert(key, kept) {
            self.kept_bytes -= old.data.capacity();
            self.forget(old.data);
        }
        self.uses.push_back((key, self.clock));
        while self.kept_bytes > self.budget {
            let Some((oldest, used)) = self.uses.pop_front() else {
                break;
            };
            if self.kept.get(&oldest).is_some_and(|k| k.used == used) {
                if let Some(old) = self.kept.remove(&oldest) {
                    self.kept_bytes -= old.data.capacity();
                    self.forget(old.data);
                }
            }
        }
    }

    /// Drops superseded uses when they outnumber the entries well, so the
    /// queue stays in proportion to what is kept.
    fn compact(&mut self) {
        if self.uses.len() > 4 * self.kept.len() + 64 {
            let kept = &self.kept;
            self.uses
                .retain(|(key, used)| kept.get(key).is_some_and(|k| k.used == *used));
        }
    }
}

/// Reads the objects `ids` that `packs` hold, calling
/// `each(index into ids, bytes)` for each on every core. Returns the results
/// (in no particular order) and the indices of the objects not read here.
pub(super) fn read_each<T: Send>(
    packs: &Packs,
    ids: &[Oid],
    each: &(dyn Fn(usize, Vec<u8>) -> T + Sync),
) -> (Vec<(usize, T)>, Vec<usize>) {
    let mut forest = Forest {
        bundles: packs.clone(),
        nodes: Vec::with_capacity(ids.len()),
        at: foldhash::HashMap::default(),
    };
    let mut unread = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let Some((bundle, offset)) = locate(&forest.bundles, id) else {
            unread.push(i);
            continue;
        };
        let node = forest.node(bundle, offset);
        forest.nodes[node].wanted.push(i);
        forest.place(node);
    }
    let roots: Vec<usize> = (0..forest.nodes.len())
        .filter(|&n| forest.nodes[n].parent.is_none() && !forest.nodes[n].damaged)
        .collect();
    let forest = &forest;
    let read: Vec<(usize, T)> = roots
        .par_iter()
        .map_init(gix::zlib::Inflate::default, |inflate, &root| {
            let mut out = Vec::new();
            walk(forest, root, inflate, each, &mut out);
            out
        })
        .flatten_iter()
        .collect();
    // Whatever no walk reached (a damaged chain, a base that is not a
    // blob) is read by the caller.
    let mut done = vec![false; ids.len()];
    for (i, _) in &read {
        done[*i] = true;
    }
    for node in &forest.nodes {
        unread.extend(node.wanted.iter().filter(|&&i| !done[i]));
    }
    (read, unread)
}

/// The objects of the delta tree under `root`, depth first, each delta
/// applied to its parent's bytes, which stay on the stack until the last
/// child is done.
fn walk<T>(
    forest: &Forest,
    root: usize,
    inflate: &mut gix::zlib::Inflate,
    each: &(dyn Fn(usize, Vec<u8>) -> T + Sync),
    out: &mut Vec<(usize, T)>,
) {
    let pack = |n: usize| &forest.bundles[forest.nodes[n].bundle].pack;
    let inflated = |n: usize, inflate: &mut gix::zlib::Inflate| -> Option<(Vec<u8>, bool)> {
        let entry = pack(n).entry(forest.nodes[n].offset).ok()?;
        let buf = inflate_entry(pack(n), &entry, inflate)?;
        Some((buf, entry.header == pack::data::entry::Header::Blob))
    };
    let Some((data, true)) = inflated(root, inflate) else {
        return;
    };
    let emit = |n: usize, data: Vec<u8>, out: &mut Vec<(usize, T)>| -> Option<Vec<u8>> {
        let node = &forest.nodes[n];
        let Some((&last, rest)) = node.wanted.split_last() else {
            return Some(data);
        };
        for &i in rest {
            out.push((i, each(i, data.clone())));
        }
        if node.children.is_empty() {
            out.push((last, each(last, data)));
            None
        } else {
            out.push((last, each(last, data.clone())));
            Some(data)
        }
    };
    let Some(data) = emit(root, data, out) else {
        return;
    };
    // (node, its bytes, the next child to visit)
    let mut stack = vec![(root, data, 0usize)];
    while let Some((node, data, next)) = stack.last_mut() {
        let Some(&child) = forest.nodes[*node].children.get(*next) else {
            stack.pop();
            continue;
        };
        *next += 1;
        let Some(bytes) = inflated(child, inflate).and_then(|(delta, _)| apply(data, &delta))
        else {
            continue;
        };
        if let Some(bytes) = emit(child, bytes, out) {
            stack.push((child, bytes, 0));
        }
    }
}

/// A git delta (base size, result size, then copy and insert instructions)
/// applied to `base`; `None` when it does not fit it.
pub(super) fn apply(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    apply_into(base, delta, &mut out)?;
    Some(out)
}

/// [`apply`] into `out`, which is cleared first (a buffer used again).
fn apply_into(base: &[u8], delta: &[u8], out: &mut Vec<u8>) -> Option<()> {
    out.clear();
    let mut at = 0;
    let varint = |at: &mut usize| -> Option<u64> {
        let mut value = 0u64;
        let mut shift = 0;
        loop {
            let byte = *delta.get(*at)?;
            *at += 1;
            value |= u64::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(value);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    };
    if varint(&mut at)? != base.len() as u64 {
        return None;
    }
    let size = varint(&mut at)?;
    if size > MAX_OBJECT_BYTES {
        return None;
    }
    let size = size as usize;
    out.reserve(size);
    while let Some(&op) = delta.get(at) {
        at += 1;
        let piece = if op & 0x80 != 0 {
            // copy: the offset and size bytes present are flagged in `op`
            let mut field = |bits: std::ops::Range<u32>| -> Option<usize> {
                let mut value = 0usize;
                for (k, bit) in bits.enumerate() {
                    if op & (1 << bit) != 0 {
                        value |= usize::from(*delta.get(at)?) << (8 * k);
                        at += 1;
                    }
                }
                Some(value)
            };
            let offset = field(0..4)?;
            let len = match field(4..7)? {
                0 => 0x10000,
                n => n,
            };
            base.get(offset..offset.checked_add(len)?)?
        } else if op != 0 {
            let piece = delta.get(at..at + usize::from(op))?;
            at += usize::from(op);
            piece
        } else {
            return None;
        };
        if out.len() + piece.len() > size {
            return None;
        }
        out.extend_from_slice(piece);
    }
    (out.len() == size).then_some(())
}

#[cfg(test)]
mod tests {
    use super::apply;

    #[test]
    fn a_delta_copies_from_its_base_and_inserts_its_own_bytes() {
        let base = b"hello, world";
        // base 12, result 11: copy 7 bytes at 0, insert "there"... "hello, there"
        let delta = [12, 12, 0x80 | 0x10, 7, 5, b't', b'h', b'e', b'r', b'e'];
        assert_eq!(apply(base, &delta).as_deref(), Some(&b"hello, there"[..]));
    }

    #[test]
    fn a_delta_that_does_not_fit_its_base_is_refused() {
        let base = b"hello";
        // wrong base size
        assert_eq!(apply(base, &[6, 1, 1, b'x']), None);
        // copy beyond the base
        assert_eq!(apply(base, &[5, 4, 0x80 | 0x01 | 0x10, 3, 4]), None);
        // more bytes than the result size says
        assert_eq!(apply(base, &[5, 1, 2, b'x', b'y']), None);
        // a truncated instruction
        assert_eq!(apply(base, &[5, 3, 3, b'x']), None);
        // the reserved instruction 0
        assert_eq!(apply(base, &[5, 0, 0]), None);
    }
}
