//! Tables written out as CSV or XLSX for those who download them.

use crate::error::AppError;

/// One sheet: its name, column titles and rows of text.
pub(crate) struct Sheet<'a> {
    pub name: &'a str,
    pub header: &'a [&'a str],
    pub rows: Vec<Vec<String>>,
    /// Columns holding counts, written as numbers so that a spreadsheet
    /// can add them up.
    pub numeric: &'a [u16],
}

/// The MIME type and file extension of each format offered.
pub(crate) fn format_of(format: &str) -> Result<(&'static str, &'static str), AppError> {
    match format {
        "csv" => Ok(("text/csv;charset=utf-8", "csv")),
        "xlsx" => Ok((
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )),
        _ => Err(AppError::BadRequest(
            "导出格式只能是 CSV 或 XLSX".to_string(),
        )),
    }
}

/// The sheets in `format`: XLSX keeps each sheet, CSV puts them one after
/// another with a blank line and the sheet's name between them.
pub(crate) fn write(format: &str, sheets: &[Sheet<'_>]) -> Result<Vec<u8>, AppError> {
    match format_of(format)?.1 {
        "csv" => csv(sheets),
        _ => xlsx(sheets),
    }
}

fn csv(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, AppError> {
    let failed = |error: csv::Error| {
        tracing::error!(error = %error, "CSV export failed");
        AppError::Internal
    };
    // A byte-order mark, so that spreadsheet programs read the Chinese.
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for (index, sheet) in sheets.iter().enumerate() {
        if sheets.len() > 1 {
            if index > 0 {
                writer.write_record([""]).map_err(failed)?;
            }
            writer.write_record([sheet.name]).map_err(failed)?;
        }
        writer.write_record(sheet.header).map_err(failed)?;
        for row in &sheet.rows {
            writer.write_record(row).map_err(failed)?;
        }
    }
    writer.into_inner().map_err(|error| {
        tracing::error!(error = %error, "CSV export failed");
        AppError::Internal
    })
}

fn xlsx(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, AppError> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |error: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %error, "XLSX export failed");
        AppError::Internal
    };
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for sheet in sheets {
        let out = workbook.add_worksheet();
        out.set_name(sheet.name).map_err(failed)?;
        for (column, title) in (0u16..).zip(sheet.header) {
            out.write_string_with_format(0, column, *title, &bold)
                .map_err(failed)?;
        }
        for (row, cells) in (1u32..).zip(&sheet.rows) {
            for (column, value) in (0u16..).zip(cells) {
                match value.parse::<f64>() {
                    Ok(number) if sheet.numeric.contains(&column) => {
                        out.write_number(row, column, number).map_err(failed)?;
                    }
                    _ => {
                        out.write_string(row, column, value).map_err(failed)?;
                    }
                }
            }
        }
        out.set_freeze_panes(1, 0).map_err(failed)?;
    }
    workbook.save_to_buffer().map_err(failed)
}
