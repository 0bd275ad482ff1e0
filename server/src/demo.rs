//! Made-up customer files for trying the archive out (`nongdang
//! seed-demo`): Chinese names drawn with the surname frequencies of the
//! population, valid but fictitious ID numbers and mobile numbers, land,
//! credit and cooperation as a cooperative would have them, opened over the
//! past months so that some are already due for verification.
//!
//! The same seed always gives the same files.

use app::domain::CustomerForm;
use app::domain::consent::ConsentForm;
use app::domain::id_document::complete_resident_id;
use time::Date;

/// Common surnames and their approximate share of the population in
/// tenths of a per cent (after the 2020 census).
const SURNAMES: [(&str, u32); 24] = [
    ("王", 71),
    ("李", 71),
    ("张", 68),
    ("刘", 54),
    ("陈", 46),
    ("杨", 31),
    ("黄", 24),
    ("赵", 23),
    ("吴", 20),
    ("周", 19),
    ("徐", 15),
    ("孙", 15),
    ("马", 15),
    ("朱", 14),
    ("胡", 13),
    ("郭", 12),
    ("何", 12),
    ("林", 11),
    ("高", 11),
    ("罗", 11),
    ("郑", 10),
    ("梁", 9),
    ("谢", 8),
    ("宋", 7),
];

/// Characters of given names.
const GIVEN: &str =
    "建国华明秀英玉兰志强丽娟海军桂芳文杰春梅永红德福金凤家成淑珍晓东宝山小燕学军翠花";

/// Cooperation intentions of the default list.
const COOPERATION: [&str; 7] = [
    "input_purchase",
    "produce_sale",
    "machinery_service",
    "land_trusteeship",
    "technical_training",
    "mutual_credit",
    "storage_processing",
];

const CROPS: [&str; 6] = ["水稻", "小麦", "玉米", "油菜", "茶叶", "柑橘"];

/// A small, fast generator of pseudo-random numbers (SplitMix64): demo data
/// needs repeatability, not secrecy.
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn roll(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.roll() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let index = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[index]
    }
}

/// A name: a surname by its frequency and one or two given characters.
pub fn name(dice: &mut Dice) -> String {
    let total: u32 = SURNAMES.iter().map(|(_, share)| share).sum();
    let mut roll = u32::try_from(dice.below(u64::from(total))).unwrap_or(0);
    let surname = SURNAMES
        .iter()
        .find(|(_, share)| {
            if roll < *share {
                true
            } else {
                roll -= share;
                false
            }
        })
        .map_or("王", |(s, _)| s);
    let given: Vec<char> = GIVEN.chars().collect();
    let length = 1 + dice.below(4).min(1);
    let mut name = surname.to_string();
    for _ in 0..length {
        name.push(*dice.pick(&given));
    }
    name
}

/// One demo file's intake form in `region`, the `serial`-th of the run, and
/// the day it was opened (within the `spread_days` before `today`).
pub fn file(
    dice: &mut Dice,
    region: &str,
    serial: u32,
    today: Date,
    spread_days: u32,
) -> (CustomerForm, Date) {
    let birth_year = 1950 + dice.below(50);
    let first_17 = format!(
        "{region}{birth_year}{:02}{:02}{:03}",
        1 + dice.below(12),
        1 + dice.below(28),
        serial % 1000
    );
    let id_number = complete_resident_id(&first_17).unwrap_or_default();
    let land_hundredths = 200 + dice.below(4_800);
    let parcels = (0..dice.below(3))
        .map(|i| app::domain::intake::ParcelForm {
            location: format!("{}组{}号地", 1 + dice.below(9), i + 1),
            area: format!("{}", 1 + dice.below(land_hundredths / 100 / 3 + 1)),
            crop: dice.pick(&CROPS).to_string(),
            tenure: if dice.below(4) == 0 {
                "transferred_in".to_string()
            } else {
                "contracted".to_string()
            },
        })
        .collect();
    let rating = *dice.pick(&["", "", "a", "b", "b", "c", "d"]);
    let form = CustomerForm {
        group: "farmer".to_string(),
        name: name(dice),
        phone: format!("1{}{:09}", 3 + dice.below(6), dice.below(1_000_000_000)),
        id_kind: "resident_id".to_string(),
        id_number,
        region: region.to_string(),
        address: format!(
            "{}村{}组",
            dice.pick(&["红星", "向阳", "和平", "团结", "新华"]),
            1 + dice.below(9)
        ),
        land_area: format!("{}.{:02}", land_hundredths / 100, land_hundredths % 100),
        parcels,
        cooperation: (0..dice.below(3))
            .map(|_| dice.pick(&COOPERATION).to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        credit_rating: rating.to_string(),
        credit_reason: if rating.is_empty() {
            String::new()
        } else {
            "历年往来记录".to_string()
        },
        confirm_duplicates: true,
        ..CustomerForm::default()
    };
    let opened = today
        - time::Duration::days(i64::from(
            u32::try_from(dice.below(u64::from(spread_days))).unwrap_or(0),
        ));
    // Every member signed the paper consent form at intake; one in four
    // left subsidy reporting out, and only rated members consented to
    // credit assessment.
    let mut purposes = vec!["membership".to_string(), "supply".to_string()];
    if dice.below(4) != 0 {
        purposes.push("subsidy".to_string());
    }
    if !rating.is_empty() {
        purposes.push("credit".to_string());
    }
    let form = CustomerForm {
        consent: ConsentForm {
            purposes,
            sensitive: true,
            method: "paper".to_string(),
            paper_ref: format!("同意书 {}-{:04} 号", opened.year(), serial + 1),
            given_on: opened.to_string(),
            ..ConsentForm::default()
        },
        ..form
    };
    (form, opened)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::time_fmt::today_cst;

    #[test]
    fn demo_files_pass_the_intake_rules() {
        let mut dice = Dice::new(7);
        let today = today_cst();
        for serial in 0..200 {
            let (form, opened) = file(&mut dice, "510104", serial, today, 180);
            let checked = form.validate(today);
            assert!(checked.is_ok(), "{form:?}: {:?}", checked.err());
            assert!(opened <= today && opened >= today - time::Duration::days(180));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_files() {
        let today = today_cst();
        let a = file(&mut Dice::new(3), "510104", 1, today, 90);
        let b = file(&mut Dice::new(3), "510104", 1, today, 90);
        assert_eq!(a, b);
    }

    #[test]
    fn common_surnames_come_up_most() {
        let mut dice = Dice::new(11);
        let names: Vec<String> = (0..5_000).map(|_| name(&mut dice)).collect();
        let count = |s: &str| names.iter().filter(|n| n.starts_with(s)).count();
        assert!(
            count("王") > count("宋") * 5,
            "王 {} 宋 {}",
            count("王"),
            count("宋")
        );
    }
}
