//! 信息检索: what a search asks for, and how the one search box reads what
//! was typed into it.
//!
//! The query travels in the page's URL (so a search can be bookmarked,
//! shared and gone back to) and, as the same struct, to the server.

use serde::{Deserialize, Serialize};

use super::area::AreaMu;
use super::customer::{CustomerGroup, CustomerStatus};
use super::phone::Phone;
use super::profile::CreditRating;
use super::region::RegionFilter;

/// The most results one page shows.
pub const MAX_PAGE_SIZE: u32 = 100;

/// Counting stops here: beyond it a list says "more than".
pub const COUNT_LIMIT: u64 = 1_000;

/// A search as the search page sends it; every field may be left empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// An archive code or its beginning, a name or its beginning, pinyin
    /// (`zhangsan`) or its initials (`zs`), a phone number or its last four
    /// digits, or an ID number.
    pub text: String,
    /// A [`CustomerGroup`] key.
    pub group: String,
    /// A region code at any level (`510000`, `510100`, `510104`) or a
    /// township (nine digits).
    pub region: String,
    /// A cooperation type key.
    pub cooperation: String,
    /// A [`CreditRating`] key.
    pub credit: String,
    /// A [`CustomerStatus`] key.
    pub status: String,
    /// Land area bounds in 亩, inclusive.
    pub land_min: String,
    pub land_max: String,
    /// `due` (due within two weeks or overdue) or `overdue`.
    pub due: String,
    pub tag: String,
    /// The month files were opened in, `YYYY-MM`.
    pub opened: String,
    /// A [`SortKey`] key; archive code when empty.
    pub sort: String,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
    /// Where the previous page ended (its last row's [`Cursor`]), so the
    /// next page starts there instead of counting its way past every
    /// earlier row.
    pub after: String,
    /// Where the next page began, to step back the same way.
    pub before: String,
}

/// The orders a result list can be in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Code,
    Name,
    /// Most recently changed first.
    Updated,
    /// Soonest verification due first.
    Due,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [Self::Code, Self::Name, Self::Updated, Self::Due];

    pub fn key(self) -> &'static str {
        match self {
            Self::Code => "code",
            Self::Name => "name",
            Self::Updated => "updated",
            Self::Due => "due",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Code => "档案编号",
            Self::Name => "姓名",
            Self::Updated => "最近修改",
            Self::Due => "核对到期",
        }
    }
}

/// How a verification filter narrows the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueFilter {
    /// Overdue, or due within two weeks.
    Due,
    Overdue,
}

/// What the search box text is taken to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// Nothing typed: every file.
    All,
    /// Letters, digits and dashes that begin like an archive code, e.g.
    /// `NH-5101` (upper-cased). Letters alone are also read as pinyin.
    Code(String),
    /// Latin letters only: an archive code's beginning, or a name's
    /// pinyin or initials (lower-cased), e.g. `zhangsan`, `zs`.
    CodeOrPinyin { code: String, pinyin: String },
    /// The last four digits of a phone.
    PhoneTail(String),
    /// A whole phone number (normalised).
    Phone(String),
    /// An ID number or credit code (upper-cased, without spaces).
    IdNumber(String),
    /// Chinese characters (or anything else): the beginning of a name.
    Name(String),
}

impl TextKind {
    /// Reads the search box.
    pub fn of(text: &str) -> Self {
        let text = text.trim();
        if text.is_empty() {
            return Self::All;
        }
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == 4 && compact.chars().all(|c| c.is_ascii_digit()) {
            return Self::PhoneTail(compact);
        }
        if let Ok(phone) = Phone::parse(&compact) {
            return Self::Phone(phone.as_str().to_string());
        }
        let upper = compact.to_uppercase();
        // Resident IDs (15 or 18 characters) and credit codes (18, letters
        // among the digits).
        if matches!(upper.len(), 15 | 18) && upper.chars().all(|c| c.is_ascii_alphanumeric()) {
            let digits = upper.chars().filter(char::is_ascii_digit).count();
            if digits >= 8 {
                return Self::IdNumber(upper);
            }
        }
        if compact.chars().all(|c| c.is_ascii_alphabetic()) {
            return Self::CodeOrPinyin {
                code: upper,
                pinyin: compact.to_lowercase(),
            };
        }
        if compact.starts_with(|c: char| c.is_ascii_alphabetic())
            && compact
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Self::Code(upper);
        }
        Self::Name(text.to_string())
    }

    /// The kind's name for the audit trail, which never holds the text of a
    /// name, phone or ID number.
    pub fn audit_kind(&self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Code(_) => "code",
            Self::CodeOrPinyin { .. } => "code_or_pinyin",
            Self::PhoneTail(_) => "phone_tail",
            Self::Phone(_) => "phone",
            Self::IdNumber(_) => "id_number",
            Self::Name(_) => "name",
        }
    }
}

/// A search checked and read: what the store looks for.
#[derive(Clone, Debug, PartialEq)]
pub struct Criteria {
    pub text: TextKind,
    pub group: Option<CustomerGroup>,
    pub region: Option<RegionFilter>,
    pub cooperation: Option<String>,
    pub credit: Option<CreditRating>,
    pub status: Option<CustomerStatus>,
    /// In hundredths of a 亩.
    pub land_min: Option<u64>,
    pub land_max: Option<u64>,
    pub due: Option<DueFilter>,
    pub tag: Option<String>,
    /// Opened on or after the first day and before the second.
    pub opened: Option<(time::Date, time::Date)>,
    pub sort: SortKey,
    pub page: u32,
    pub page_size: u32,
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
}

impl SearchQuery {
    /// The criteria this query stands for, or what to mend, in words for
    /// staff.
    pub fn criteria(&self) -> Result<Criteria, String> {
        if self.text.chars().count() > 100 {
            return Err("查询内容过长，请缩短后再查".to_string());
        }
        let keyed = |value: &str| {
            let value = value.trim();
            (!value.is_empty()).then(|| value.to_string())
        };
        let group = match keyed(&self.group) {
            None => None,
            Some(key) => Some(
                CustomerGroup::from_key(&key)
                    .ok_or_else(|| "请从列表中选择客户类别".to_string())?,
            ),
        };
        let region = match keyed(&self.region) {
            None => None,
            Some(code) => Some(RegionFilter::parse(&code).map_err(|_| {
                "地区请填写现行的地区码：省、市或县 6 位（如 510000、510104），乡镇 9 位"
                    .to_string()
            })?),
        };
        let credit = match keyed(&self.credit) {
            None => None,
            Some(key) => Some(
                CreditRating::from_key(&key).ok_or_else(|| "请从列表中选择信用等级".to_string())?,
            ),
        };
        let status = match keyed(&self.status) {
            None => None,
            Some(key) => Some(
                CustomerStatus::from_key(&key)
                    .ok_or_else(|| "请从列表中选择档案状态".to_string())?,
            ),
        };
        let area = |value: &str, which: &str| -> Result<Option<u64>, String> {
            match keyed(value) {
                None => Ok(None),
                Some(typed) => AreaMu::parse(&typed)
                    .map(|a| Some(a.hundredths()))
                    .map_err(|_| format!("土地面积{which}请填写亩数，如 5 或 12.5")),
            }
        };
        let land_min = area(&self.land_min, "下限")?;
        let land_max = area(&self.land_max, "上限")?;
        if let (Some(low), Some(high)) = (land_min, land_max)
            && low > high
        {
            return Err("土地面积下限不能大于上限".to_string());
        }
        let due = match self.due.trim() {
            "" => None,
            "due" => Some(DueFilter::Due),
            "overdue" => Some(DueFilter::Overdue),
            _ => return Err("请从列表中选择核对状态".to_string()),
        };
        let opened = match keyed(&self.opened) {
            None => None,
            Some(month) => Some(
                month_span(&month).ok_or_else(|| "建档月份请写成年-月，如 2026-03".to_string())?,
            ),
        };
        let sort = match keyed(&self.sort) {
            None => SortKey::Code,
            Some(key) => SortKey::from_key(&key).ok_or_else(|| "请从列表中选择排序".to_string())?,
        };
        let cursor = |value: &str| -> Result<Option<Cursor>, String> {
            match keyed(value) {
                None => Ok(None),
                Some(text) => Cursor::decode(&text)
                    .map(Some)
                    .ok_or_else(|| "翻页位置无效，请从第一页重新查询".to_string()),
            }
        };
        Ok(Criteria {
            text: TextKind::of(&self.text),
            group,
            region,
            cooperation: keyed(&self.cooperation),
            credit,
            status,
            land_min,
            land_max,
            due,
            tag: keyed(&self.tag),
            opened,
            sort,
            page: self.page.max(1),
            page_size: if self.page_size == 0 {
                20
            } else {
                self.page_size.min(MAX_PAGE_SIZE)
            },
            after: cursor(&self.after)?,
            before: cursor(&self.before)?,
        })
    }

    /// The query as URL parameters (without paging), empty ones left out.
    pub fn url_params(&self) -> Vec<(&'static str, String)> {
        [
            ("q", &self.text),
            ("group", &self.group),
            ("region", &self.region),
            ("cooperation", &self.cooperation),
            ("credit", &self.credit),
            ("status", &self.status),
            ("land_min", &self.land_min),
            ("land_max", &self.land_max),
            ("due", &self.due),
            ("tag", &self.tag),
            ("opened", &self.opened),
            ("sort", &self.sort),
        ]
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| (name, value.trim().to_string()))
        .collect()
    }

    /// The query read back from URL parameters.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let text = |name: &str| get(name).unwrap_or_default();
        Self {
            text: text("q"),
            group: text("group"),
            region: text("region"),
            cooperation: text("cooperation"),
            credit: text("credit"),
            status: text("status"),
            land_min: text("land_min"),
            land_max: text("land_max"),
            due: text("due"),
            tag: text("tag"),
            opened: text("opened"),
            sort: text("sort"),
            page: get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
            page_size: 0,
            after: text("after"),
            before: text("before"),
        }
    }

    /// Whether anything narrows the list besides the text.
    pub fn has_filters(&self) -> bool {
        self.url_params()
            .iter()
            .any(|(name, _)| !matches!(*name, "q" | "sort"))
    }
}

/// The first day of a month written `YYYY-MM` and the first day of the
/// next.
fn month_span(text: &str) -> Option<(time::Date, time::Date)> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month = time::Month::try_from(month.parse::<u8>().ok()?).ok()?;
    let first = time::Date::from_calendar_date(year, month, 1).ok()?;
    let next_year = if month == time::Month::December {
        year + 1
    } else {
        year
    };
    let next = time::Date::from_calendar_date(next_year, month.next(), 1).ok()?;
    Some((first, next))
}

/// A place in a sorted list: the sort value of a row and its archive code,
/// which breaks ties. Written into page links as `value~code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub value: String,
    pub code: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}~{}", self.value, self.code)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let (value, code) = text.rsplit_once('~')?;
        if code.is_empty()
            || code.len() > 40
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return None;
        }
        Some(Self {
            value: value.to_string(),
            code: code.to_string(),
        })
    }
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Matches: exact when the analysis's facts could count them, else
    /// counted up to [`COUNT_LIMIT`] (see `more`).
    pub total: u64,
    /// More than `total` files match.
    pub more: bool,
    pub page: u32,
    pub page_size: u32,
    pub rows: Vec<super::CustomerSummary>,
    /// Cursors of the first and last row, for the page links.
    pub first: String,
    pub last: String,
    /// Whether a page follows this one.
    pub has_next: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_box_tells_codes_pinyin_phones_ids_and_names_apart() {
        assert_eq!(TextKind::of("  "), TextKind::All);
        assert_eq!(
            TextKind::of("nh-510104-0001"),
            TextKind::Code("NH-510104-0001".into())
        );
        assert_eq!(
            TextKind::of("ZS"),
            TextKind::CodeOrPinyin {
                code: "ZS".into(),
                pinyin: "zs".into()
            }
        );
        assert_eq!(TextKind::of("5678"), TextKind::PhoneTail("5678".into()));
        assert_eq!(
            TextKind::of("138 1234 5678"),
            TextKind::Phone("13812345678".into())
        );
        assert_eq!(
            TextKind::of("11010519491231002x"),
            TextKind::IdNumber("11010519491231002X".into())
        );
        assert_eq!(
            TextKind::of("91510104MA6C9XXX0K"),
            TextKind::IdNumber("91510104MA6C9XXX0K".into())
        );
        assert_eq!(TextKind::of("张三"), TextKind::Name("张三".into()));
        assert_eq!(TextKind::of("123"), TextKind::Name("123".into()));
    }

    #[test]
    fn bad_filters_are_named_in_words() {
        let bad = |query: SearchQuery| query.criteria().expect_err("refused");
        assert!(
            bad(SearchQuery {
                group: "farmers".into(),
                ..SearchQuery::default()
            })
            .contains("客户类别")
        );
        assert!(
            bad(SearchQuery {
                region: "5101".into(),
                ..SearchQuery::default()
            })
            .contains("地区")
        );
        assert!(
            bad(SearchQuery {
                land_min: "十亩".into(),
                ..SearchQuery::default()
            })
            .contains("下限")
        );
        assert!(
            bad(SearchQuery {
                land_min: "20".into(),
                land_max: "5".into(),
                ..SearchQuery::default()
            })
            .contains("不能大于")
        );
        assert!(
            bad(SearchQuery {
                after: "garbage".into(),
                ..SearchQuery::default()
            })
            .contains("翻页")
        );
        for month in ["2026-13", "2026-3", "三月"] {
            assert!(
                bad(SearchQuery {
                    opened: month.into(),
                    ..SearchQuery::default()
                })
                .contains("建档月份")
            );
        }
    }

    #[test]
    fn a_month_spans_to_the_first_of_the_next() {
        let span = |month: &str| {
            SearchQuery {
                opened: month.into(),
                ..SearchQuery::default()
            }
            .criteria()
            .expect("a month")
            .opened
            .map(|(a, b)| (a.to_string(), b.to_string()))
        };
        assert_eq!(
            span("2026-02"),
            Some(("2026-02-01".into(), "2026-03-01".into()))
        );
        assert_eq!(
            span("2026-12"),
            Some(("2026-12-01".into(), "2027-01-01".into()))
        );
    }

    #[test]
    fn a_query_survives_the_trip_through_the_url() {
        let query = SearchQuery {
            text: "zs".into(),
            group: "farmer".into(),
            region: "510104".into(),
            land_min: "5".into(),
            opened: "2026-11".into(),
            sort: "name".into(),
            ..SearchQuery::default()
        };
        let params = query.url_params();
        let back = SearchQuery::from_params(|name| {
            params
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        });
        assert_eq!(
            back,
            SearchQuery {
                page: 1,
                ..query.clone()
            }
        );
        assert!(query.has_filters());
        let criteria = back.criteria().expect("valid");
        assert_eq!(criteria.land_min, Some(500));
        assert_eq!(criteria.sort, SortKey::Name);
        assert_eq!(criteria.page_size, 20);
    }

    #[test]
    fn a_cursor_reads_back_and_refuses_odd_codes() {
        let cursor = Cursor {
            value: "张~三".into(),
            code: "NH-510104-00001".into(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("x~NH'; DROP"), None);
        assert_eq!(Cursor::decode("novalue"), None);
    }
}
