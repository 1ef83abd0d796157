//! The cell parsers: text and numbers → dates, money, numbers, periods,
//! words. Every parser must return a value or a reason, never panic.
#![no_main]

use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
use kaohe::columns::WordList;
use kaohe::parse::{cell, date, money, text};
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let s = String::from_utf8_lossy(rest);
    let is_1904 = pick & 1 == 1;
    let _ = date::parse_text(&s);
    let _ = money::parse_text(&s);
    let _ = text::fold(&s);
    let _ = text::header_key(&s);
    let _ = text::id_key(&s);
    let scale = money::header_scale(text::header_key(&s).1.as_deref());
    let mut cells = vec![
        Data::String(s.to_string()),
        Data::DateTimeIso(s.to_string()),
    ];
    if rest.len() >= 8 {
        let f = f64::from_le_bytes(rest[..8].try_into().unwrap());
        cells.push(Data::Float(f));
        cells.push(Data::Int(i64::from_le_bytes(rest[..8].try_into().unwrap())));
        cells.push(Data::DateTime(ExcelDateTime::new(
            f,
            ExcelDateTimeType::DateTime,
            is_1904,
        )));
        let _ = date::from_serial(f, is_1904);
        let _ = money::from_f64(f);
    }
    for d in &cells {
        let _ = cell::stamp(d, is_1904);
        let _ = cell::date(d, is_1904);
        let _ = cell::money(d, scale);
        let _ = cell::money(d, Decimal::from(10_000));
        let _ = cell::number(d);
        let _ = cell::installment(d);
        let _ = cell::period(d, is_1904);
        let _ = cell::yes_no(d);
        let _ = cell::id(d);
        let _ = cell::raw_text(d);
        for list in WordList::ALL {
            let _ = cell::word(d, list);
        }
    }
});
