//! Replays every input the fuzzers ever kept (`fuzz/regressions/<target>/`), plus a short
//! deterministic random run of each target, so CI catches a regression of any crash found.

#![allow(clippy::unwrap_used)]

use std::path::Path;

#[test]
fn every_saved_fuzz_input_still_passes() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut replayed = 0;
    for (name, target) in renkei_fuzz::TARGETS {
        let dir = base.join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            target(&std::fs::read(&path).unwrap());
            replayed += 1;
        }
    }
    assert!(
        replayed > 0,
        "no regression inputs found under {}",
        base.display()
    );
}

#[test]
fn a_short_random_run_of_every_target_finds_nothing() {
    let mut state: u64 = 0x5eed_1234_abcd_0001;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let alphabet: &[&[u8]] = &[
        b"intake",
        b"Transfer",
        b" ",
        b"\n",
        b"> ",
        b"- ",
        b"1. ",
        b"#",
        b"`",
        b"[",
        b"](",
        b")",
        b"<!--",
        b"-->",
        b"renkei-disable",
        b"knowledge",
        b"---\n",
        b"\xff",
        b"\xc3\xa9",
        b"*",
        b"_",
        b":",
        b"|",
        b"If ",
        b"Outcome: ",
        b"]: ",
        b"&amp;",
        b"\\",
        b"<",
        b">",
        b"<a href=\"",
        b"\"",
        b"transfer",
    ];
    for (name, target) in renkei_fuzz::TARGETS {
        for _ in 0..300 {
            let mut input = Vec::new();
            for _ in 0..(next() % 40) {
                input.extend_from_slice(alphabet[(next() as usize) % alphabet.len()]);
            }
            target(&input);
        }
        eprintln!("{name}: 300 random inputs");
    }
}
