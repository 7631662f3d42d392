//! Fitting text into a limit: chat platforms count text in UTF-16 units
//! and refuse what is over. Shared by the Discord replies and the core
//! (the timeline's lines), so it depends on neither.

/// A text's length as Discord's limits count it. Counted in UTF-16 units,
/// which is never less than the number of characters, so a text within
/// its limit by this count is within it however Discord counts.
pub fn discord_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Cuts text to at most `max` (as [`discord_len`] counts), at a word boundary
/// where one is near, marking the cut with an ellipsis. No room gives
/// nothing: an empty text, never a lone "…" that would still take a place.
pub fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if discord_len(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    // One unit is for the ellipsis.
    let room = max - 1;
    let (mut end, mut units) = (0, 0);
    for (i, c) in text.char_indices() {
        if units + c.len_utf16() > room {
            break;
        }
        units += c.len_utf16();
        end = i + c.len_utf8();
    }
    let keep = &text[..end];
    let cut = match keep.rfind(char::is_whitespace) {
        Some(i) if discord_len(&keep[..i]) > room * 3 / 4 => &keep[..i],
        _ => keep,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_to_no_room_gives_nothing_and_one_unit_gives_the_ellipsis() {
        assert_eq!(clip("some words", 0), "");
        assert_eq!(clip("   ", 10), "");
        assert_eq!(clip("some words", 1), "…");
        assert_eq!(clip("some words", 10), "some words");
        // An emoji is two units in UTF-16, the stricter count.
        assert_eq!(discord_len("😀"), 2);
        assert!(discord_len(&clip(&"😀".repeat(10), 5)) <= 5);
    }

    #[test]
    fn clipping_respects_the_limit_and_words() {
        let long = "word ".repeat(100);
        let c = clip(&long, 50);
        assert!(c.chars().count() <= 50);
        assert!(c.ends_with('…'));
        assert!(!c.contains("wor…"));
        assert_eq!(clip("short", 50), "short");
        let unicode = "é".repeat(300);
        assert_eq!(clip(&unicode, 100).chars().count(), 100);
    }
}
