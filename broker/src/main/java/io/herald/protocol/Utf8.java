package io.herald.protocol;

/**
 * UTF-8 well-formedness (RFC 3629): decides whether a body can travel in a WebSocket text
 * message, which must be valid UTF-8.
 */
public final class Utf8 {

	private Utf8() {
	}

	public static boolean isValid(byte[] bytes) {
		int i = 0;
		int n = bytes.length;
		while (i < n) {
			int b = bytes[i];
			if (b >= 0) {
				i++;
				continue;
			}
			int extra;
			int min;
			if ((b & 0xE0) == 0xC0) {
				extra = 1;
				min = 0x80;
			}
			else if ((b & 0xF0) == 0xE0) {
				extra = 2;
				min = 0x800;
			}
			else if ((b & 0xF8) == 0xF0) {
				extra = 3;
				min = 0x10000;
			}
			else {
				return false;
			}
			if (i + extra >= n) {
				return false;
			}
			int codePoint = b & (0x3F >> extra);
			for (int k = 1; k <= extra; k++) {
				int c = bytes[i + k];
				if ((c & 0xC0) != 0x80) {
					return false;
				}
				codePoint = (codePoint << 6) | (c & 0x3F);
			}
			if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
				return false;
			}
			i += extra + 1;
		}
		return true;
	}

}
