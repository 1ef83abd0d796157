//! Blank ledger templates: the committed sets under `workbook-templates/`
//! are exactly what `write_templates` produces, and they read back with the
//! catalogue's headers and no data rows.

use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};
use kaohe::input::columns::{ColType, Kind};
use kaohe::templates::{file_name, list_words, write_templates, FIRST_DATA_ROW, HEADER_ROW};
use kaohe::Lang;

const SETS: [(Lang, &str); 2] = [(Lang::Zh, "ledgers"), (Lang::En, "ledgers-en")];

fn committed_dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("workbook-templates")
        .join(sub)
}

#[test]
fn regenerated_templates_match_the_committed_ones() {
    for (lang, sub) in SETS {
        let tmp = tempfile::tempdir().unwrap();
        let paths = write_templates(tmp.path(), lang).unwrap();
        assert_eq!(paths.len(), Kind::ALL.len());
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted, "paths are returned sorted");
        for path in &paths {
            let name = path.file_name().unwrap();
            let committed = committed_dir(sub).join(name);
            let want = std::fs::read(&committed).unwrap_or_else(|e| {
                panic!("{}: {e} (regenerate the templates)", committed.display())
            });
            let got = std::fs::read(path).unwrap();
            assert!(
                got == want,
                "{} differs from a fresh build (regenerate the templates)",
                committed.display()
            );
        }
        // No stray files in the committed folder.
        let mut committed: Vec<_> = std::fs::read_dir(committed_dir(sub))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        committed.sort();
        let mut written: Vec<_> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_owned())
            .collect();
        written.sort();
        assert_eq!(committed, written, "{sub}");
    }
}

#[test]
fn templates_are_byte_identical_across_runs() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for (lang, _) in SETS {
        let pa = write_templates(a.path(), lang).unwrap();
        let pb = write_templates(b.path(), lang).unwrap();
        for (x, y) in pa.iter().zip(&pb) {
            assert_eq!(
                std::fs::read(x).unwrap(),
                std::fs::read(y).unwrap(),
                "{}",
                x.display()
            );
        }
    }
}

#[test]
fn templates_read_back_with_catalogue_headers_and_no_data() {
    for (lang, sub) in SETS {
        for kind in Kind::ALL {
            let path = committed_dir(sub).join(file_name(kind, lang));
            let mut wb = open_workbook_auto(&path).unwrap();
            assert_eq!(
                wb.sheet_names(),
                vec![kind.name(lang).to_string()],
                "{}",
                path.display()
            );
            let range = wb.worksheet_range(kind.name(lang)).unwrap();

            // Title and instruction rows above the header.
            assert_eq!(
                range.get_value((0, 0)),
                Some(&Data::String(kind.name(lang).to_string()))
            );
            assert!(matches!(range.get_value((1, 0)), Some(Data::String(s)) if !s.is_empty()));

            let headers: Vec<String> = (0..kind.columns().len() as u32)
                .map(|c| match range.get_value((HEADER_ROW, c)) {
                    Some(Data::String(s)) => s.clone(),
                    other => panic!("{}: header cell {c} is {other:?}", path.display()),
                })
                .collect();
            let want: Vec<&str> = kind.columns().iter().map(|c| c.header(lang)).collect();
            assert_eq!(headers, want, "{}", path.display());

            // Nothing right of the last header, nothing below the header row.
            let (end_row, end_col) = range.end().unwrap();
            assert_eq!(
                end_col as usize,
                kind.columns().len() - 1,
                "{}",
                path.display()
            );
            assert_eq!(end_row, HEADER_ROW, "{}: data rows present", path.display());
            assert!(FIRST_DATA_ROW > end_row);
        }
    }
}

fn sheet_xml(path: &Path) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[test]
fn drop_down_lists_hold_the_vocabulary() {
    for (lang, sub) in SETS {
        for kind in Kind::ALL {
            let path = committed_dir(sub).join(file_name(kind, lang));
            let xml = sheet_xml(&path);
            let mut lists = 0;
            for c in kind.columns() {
                let words = list_words(c.ty, lang);
                if words.is_empty() {
                    continue;
                }
                lists += 1;
                let formula = format!("<formula1>\"{}\"</formula1>", words.join(","));
                assert!(
                    xml.contains(&formula),
                    "{}: no list {formula}",
                    path.display()
                );
            }
            let expected = kind
                .columns()
                .iter()
                .filter(|c| {
                    matches!(
                        c.ty,
                        ColType::Word(_) | ColType::Bool | ColType::Installment
                    )
                })
                .count();
            assert_eq!(
                xml.matches("<dataValidation ").count(),
                expected,
                "{}",
                path.display()
            );
            if lists > 0 {
                assert!(xml.contains("errorStyle=\"warning\""), "{}", path.display());
                assert!(!xml.contains("errorStyle=\"stop\""), "{}", path.display());
            }
            // Header notes: one per column.
            let file = std::fs::File::open(&path).unwrap();
            let mut zip = zip::ZipArchive::new(file).unwrap();
            let mut comments = String::new();
            zip.by_name("xl/comments1.xml")
                .unwrap()
                .read_to_string(&mut comments)
                .unwrap();
            assert_eq!(
                comments.matches("<comment ").count(),
                kind.columns().len(),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn every_kind_has_its_template_file_name() {
    assert_eq!(file_name(Kind::Customers, Lang::Zh), "客户台账.xlsx");
    assert_eq!(file_name(Kind::Roster, Lang::Zh), "人员表.xlsx");
    assert_eq!(file_name(Kind::Customers, Lang::En), "Customers.xlsx");
}

/// Rewrites the committed template sets; run after changing the templates
/// or the column catalogue: `cargo test --test it -- --ignored regenerate`.
#[test]
#[ignore]
fn regenerate_committed_templates() {
    for (lang, sub) in SETS {
        let dir = committed_dir(sub);
        if dir.exists() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "xlsx") {
                    std::fs::remove_file(path).unwrap();
                }
            }
        }
        write_templates(&dir, lang).unwrap();
    }
}
