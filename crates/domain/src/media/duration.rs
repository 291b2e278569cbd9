//! Playing time of audio and video, read from the headers in an upload's first bytes (the
//! ones type detection already holds), so nothing is read twice. Formats whose length is not
//! in their header (MP3 without a Xing frame, MP4 with its index at the end) get `None`.

/// Milliseconds of playing time, when the header says.
pub(crate) fn duration_ms(mime: &str, head: &[u8]) -> Option<u64> {
    match mime {
        "audio/x-wav" => wav(head),
        "audio/x-flac" => flac(head),
        "video/mp4" | "video/quicktime" | "audio/m4a" => mp4(head),
        _ => None,
    }
}

fn u32_le(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u32_be(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_be(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// RIFF/WAVE: the `fmt ` chunk's byte rate and the `data` chunk's size.
fn wav(b: &[u8]) -> Option<u64> {
    if b.get(0..4)? != b"RIFF" || b.get(8..12)? != b"WAVE" {
        return None;
    }
    let (mut at, mut byte_rate) = (12usize, None);
    while at + 8 <= b.len() {
        let id = b.get(at..at + 4)?;
        let size = u32_le(b, at + 4)? as usize;
        if id == b"fmt " {
            byte_rate = u32_le(b, at + 16);
        } else if id == b"data" {
            let rate = u64::from(byte_rate.filter(|r| *r > 0)?);
            return Some(size as u64 * 1000 / rate);
        }
        at = at.checked_add(8 + size + (size & 1))?;
    }
    None
}

/// FLAC: STREAMINFO, the first metadata block, holds the sample rate and total samples.
fn flac(b: &[u8]) -> Option<u64> {
    if b.get(0..4)? != b"fLaC" || b.get(4)? & 0x7f != 0 {
        return None;
    }
    let info = b.get(8..8 + 34)?;
    // Bits 80..100: sample rate (20 bits); bits 108..144: total samples (36 bits).
    let rate = (u32::from(info[10]) << 12) | (u32::from(info[11]) << 4) | (u32::from(info[12]) >> 4);
    let samples = (u64::from(info[13] & 0x0f) << 32) | u64::from(u32::from_be_bytes(info[14..18].try_into().ok()?));
    (rate > 0 && samples > 0).then(|| samples * 1000 / u64::from(rate))
}

/// MP4/QuickTime: `moov`/`mvhd` holds a timescale and a duration in its units.
fn mp4(b: &[u8]) -> Option<u64> {
    let moov = find_box(b, 0, b.len(), b"moov")?;
    let mvhd = find_box(b, moov.0, moov.1, b"mvhd")?;
    let body = mvhd.0;
    let (timescale, duration) = match *b.get(body)? {
        0 => (u32_be(b, body + 12)?, u64::from(u32_be(b, body + 16)?)),
        1 => (u32_be(b, body + 20)?, u64_be(b, body + 24)?),
        _ => return None,
    };
    (timescale > 0).then(|| duration.saturating_mul(1000) / u64::from(timescale))
}

/// The content range (start, end) of the first box named `name` directly inside `start..end`.
fn find_box(b: &[u8], mut at: usize, end: usize, name: &[u8; 4]) -> Option<(usize, usize)> {
    while at + 8 <= end.min(b.len()) {
        let size = u32_be(b, at)? as usize;
        let (header, size) = match size {
            1 => (16, usize::try_from(u64_be(b, at + 8)?).ok()?),
            0 => (8, end - at),
            n => (8, n),
        };
        if size < header {
            return None;
        }
        if b.get(at + 4..at + 8)? == name {
            return Some((at + header, (at + size).min(end)));
        }
        at = at.checked_add(size)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A WAV header for `seconds` of 16-bit mono at 8 kHz, with its samples.
    fn wav_bytes(seconds: u32) -> Vec<u8> {
        let data_len = seconds * 16_000;
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(36 + data_len).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes()); // PCM
        b.extend_from_slice(&1u16.to_le_bytes()); // mono
        b.extend_from_slice(&8000u32.to_le_bytes());
        b.extend_from_slice(&16_000u32.to_le_bytes()); // byte rate
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&16u16.to_le_bytes());
        b.extend_from_slice(b"data");
        b.extend_from_slice(&data_len.to_le_bytes());
        b.resize(44 + data_len as usize, 0);
        b
    }

    #[test]
    fn wav_duration_comes_from_its_byte_rate() {
        assert_eq!(duration_ms("audio/x-wav", &wav_bytes(3)[..100]), Some(3000));
        assert_eq!(duration_ms("audio/x-wav", b"RIFF\0\0\0\0WAVE"), None);
    }

    #[test]
    fn flac_duration_comes_from_streaminfo() {
        let mut b = b"fLaC\0\0\0\x22".to_vec();
        let mut info = [0u8; 34];
        // 44100 Hz, 88200 samples: two seconds.
        info[10] = (44_100u32 >> 12) as u8;
        info[11] = ((44_100u32 >> 4) & 0xff) as u8;
        info[12] = ((44_100u32 & 0x0f) << 4) as u8;
        info[14..18].copy_from_slice(&88_200u32.to_be_bytes());
        b.extend_from_slice(&info);
        assert_eq!(duration_ms("audio/x-flac", &b), Some(2000));
    }

    #[test]
    fn mp4_duration_comes_from_mvhd_when_the_index_comes_first() {
        let mut mvhd = vec![0u8; 100];
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes()); // timescale
        mvhd[16..20].copy_from_slice(&93_500u32.to_be_bytes()); // duration
        let mut moov = (8 + 8 + mvhd.len() as u32).to_be_bytes().to_vec();
        moov.extend_from_slice(b"moov");
        moov.extend_from_slice(&(8 + mvhd.len() as u32).to_be_bytes());
        moov.extend_from_slice(b"mvhd");
        moov.extend_from_slice(&mvhd);
        let mut file = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
        file.extend_from_slice(&moov);
        assert_eq!(duration_ms("video/mp4", &file), Some(93_500));
        // The index at the end (not in the first bytes): unknown, not a guess.
        let mut late = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom".to_vec();
        late.extend_from_slice(&[0, 0, 0x10, 0, b'm', b'd', b'a', b't']);
        assert_eq!(duration_ms("video/mp4", &late), None);
    }

    #[test]
    fn garbage_never_panics() {
        for mime in ["audio/x-wav", "audio/x-flac", "video/mp4"] {
            for len in 0..64 {
                let junk: Vec<u8> = (0..len).map(|i| (i * 37 % 251) as u8).collect();
                let _ = duration_ms(mime, &junk);
            }
            let _ = duration_ms(mime, &[0xff; 4096]);
            let _ = duration_ms(mime, b"\0\0\0\x01moov\xff\xff\xff\xff\xff\xff\xff\xff");
        }
    }
}
