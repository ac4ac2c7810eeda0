package io.herald.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the memory of the broker under test: resident set size from
 * {@code /proc/PID/status}, and for a JVM the heap in use right after a full GC
 * ({@code jcmd PID GC.run}, then {@code GC.heap_info}).
 */
final class BrokerProbe {

	private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

	private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

	private final long pid;

	private final boolean jvm;

	BrokerProbe(long pid) {
		this.pid = pid;
		this.jvm = pid > 0 && cmdline(pid).contains("java");
	}

	boolean known() {
		return this.pid > 0;
	}

	boolean jvm() {
		return this.jvm;
	}

	/**
	 * @return resident bytes, or -1 when unknown
	 */
	long rssBytes() {
		if (this.pid <= 0) {
			return -1;
		}
		try {
			Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(this.pid), "status")));
			return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/**
	 * @return heap bytes in use after a full collection, or -1 when not a JVM
	 */
	long heapAfterGcBytes() {
		if (!this.jvm) {
			return -1;
		}
		jcmd("GC.run");
		// Serial and Parallel GC list a line per generation, G1 one line: add up what
		// comes
		// before Metaspace.
		String info = jcmd("GC.heap_info");
		int metaspace = info.indexOf("Metaspace");
		Matcher m = HEAP_USED.matcher((metaspace >= 0) ? info.substring(0, metaspace) : info);
		long used = -1;
		while (m.find()) {
			used = Math.max(used, 0) + Long.parseLong(m.group(1)) * 1024;
		}
		return used;
	}

	/** Full GC on a JVM target so the RSS reading that follows is settled. */
	void collect() {
		if (this.jvm) {
			jcmd("GC.run");
		}
	}

	private String jcmd(String command) {
		try {
			Process p = new ProcessBuilder("jcmd", Long.toString(this.pid), command).redirectErrorStream(true).start();
			byte[] out = p.getInputStream().readAllBytes();
			if (!p.waitFor(60, TimeUnit.SECONDS)) {
				p.destroyForcibly();
			}
			return new String(out, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "";
		}
	}

	private static String cmdline(long pid) {
		try {
			return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
					StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

}
