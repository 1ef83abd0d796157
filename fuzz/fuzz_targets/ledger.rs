//! The ledger reader: bytes → workbook → typed rows → dataset. The first
//! byte picks the file name the bytes arrive under (a `.csv` or an
//! `.xlsx`), since only the extension tells a CSV from other text.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use kaohe::dataset;
use kaohe::read::{self, Format, Limits, SourceFile};
use kaohe::scheme::ColumnAliases;
use kaohe::validate::{self, HeaderMatcher};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
    let mut sheets = Vec::new();
    let result = read::read_bytes_unguarded(bytes.to_vec(), Path::new(name), &limits, &mut |raw| {
        sheets.push(validate::read_sheet(&raw, &rel, None, &matcher))
    });
    let format = result.unwrap_or(Format::Xlsx);
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
