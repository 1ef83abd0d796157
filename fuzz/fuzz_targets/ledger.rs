//! The ledger reader: bytes → workbook → typed rows → dataset. The first
//! byte picks the file name the bytes arrive under (a `.csv` or an
//! `.xlsx`), since only the extension tells a CSV from other text.
#![no_main]

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Arc, Once};

use kaohe::dataset;
use kaohe::read::{self, Format, Limits, SourceFile};
use kaohe::input::aliases::ColumnAliases;
use kaohe::validate::{self, HeaderMatcher};
use libfuzzer_sys::fuzz_target;

thread_local! {
    static IN_LIBRARY: Cell<bool> = const { Cell::new(false) };
}

/// A panic inside the spreadsheet library is caught in production (the
/// file becomes one line, see `read::read_file`); here it is passed over so
/// that fuzzing goes on into kaohe's own code, where any panic is a crash.
/// (Each library panic found is kept under tests/fixtures/fuzz-regressions.)
fn tolerate_library_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let fuzzer_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !IN_LIBRARY.with(Cell::get) {
                fuzzer_hook(info)
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    tolerate_library_panics();
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = if pick & 1 == 1 { "f.csv" } else { "f.xlsx" };
    // Smaller than the defaults, so that a legitimate large sheet stays
    // within the fuzzer's memory limit; a bomb must be refused all the same.
    let limits = Limits {
        file_bytes: 8 << 20,
        unpacked_bytes: 64 << 20,
        rows: 100_000,
        cells: 2_000_000,
        cell_chars: 32_767,
    };
    let rel: Arc<str> = Arc::from(name);
    let matcher = HeaderMatcher::new(&ColumnAliases::default());
    // Sheets are validated as they are read (xlsx rows stream from the
    // library into the validator), so the tolerated region is left for the
    // validator: a panic there is reported, whichever side raised it.
    let mut sheets = Vec::new();
    IN_LIBRARY.with(|f| f.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        read::read_bytes_unguarded(bytes.to_vec(), Path::new(name), &limits, &mut |raw| {
            IN_LIBRARY.with(|f| f.set(false));
            sheets.push(validate::read_sheet(raw, &rel, None, &matcher));
            IN_LIBRARY.with(|f| f.set(true));
        })
    }));
    IN_LIBRARY.with(|f| f.set(false));
    let format = match result {
        Ok(r) => r.unwrap_or(Format::Xlsx),
        Err(_) => return,
    };
    let files = vec![SourceFile {
        path: name.into(),
        rel: rel.clone(),
        as_of: None,
    }];
    let ds = dataset::assemble(&files, Vec::new(), vec![(Ok(format), sheets)]);
    for s in &ds.sheets {
        assert_eq!(s.stats.accounted(), s.stats.data_rows, "{}", s.name);
    }
});
