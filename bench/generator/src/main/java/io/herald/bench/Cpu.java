package io.herald.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU use during a measured phase: the generator process's own CPU time, and how busy the
 * generator's and the broker's cores were (from {@code /proc/stat}, counting every
 * process). On a shared machine a core can be saturated by someone else while the
 * generator itself shows little CPU time; either way the generator was the limit, and the
 * result says so.
 */
final class Cpu {

	/** The generator saturated its core, by itself or together with other work on it. */
	static final double BOUND = 0.9;

	private Cpu() {
	}

	static long processNanos() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return -1;
	}

	static Sample sample() {
		return new Sample(System.nanoTime(), processNanos(), coreTicks());
	}

	/**
	 * Use between two samples.
	 * @param from the earlier sample
	 * @param to the later sample
	 * @param generatorCore CPU the generator is pinned to, or -1
	 * @param brokerCore CPU the broker is pinned to, or -1
	 * @return the use
	 */
	static Usage between(Sample from, Sample to, int generatorCore, int brokerCore) {
		double process = (to.processNanos() - from.processNanos()) / (double) Math.max(1, to.nanos() - from.nanos());
		return new Usage(process, busy(from, to, generatorCore), busy(from, to, brokerCore));
	}

	private static double busy(Sample from, Sample to, int core) {
		if (core < 0 || core >= from.ticks().length || core >= to.ticks().length) {
			return -1;
		}
		long busy = to.ticks()[core][0] - from.ticks()[core][0];
		long total = to.ticks()[core][1] - from.ticks()[core][1];
		return (total > 0) ? busy / (double) total : -1;
	}

	/** Per core: {busy, total} jiffies; empty where /proc/stat is not there. */
	private static long[][] coreTicks() {
		try {
			List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
			int cores = 0;
			for (String line : lines) {
				if (line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
					cores++;
				}
			}
			long[][] ticks = new long[cores][];
			for (String line : lines) {
				if (line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
					String[] f = line.trim().split("\\s+");
					int core = Integer.parseInt(f[0].substring(3));
					long total = 0;
					for (int i = 1; i < Math.min(f.length, 9); i++) {
						total += Long.parseLong(f[i]);
					}
					long idle = Long.parseLong(f[4]) + ((f.length > 5) ? Long.parseLong(f[5]) : 0);
					if (core < cores) {
						ticks[core] = new long[] { total - idle, total };
					}
				}
			}
			return ticks;
		}
		catch (IOException | RuntimeException ex) {
			return new long[0][];
		}
	}

	/**
	 * An instant's counters.
	 *
	 * @param nanos wall clock
	 * @param processNanos the generator's CPU time
	 * @param ticks per core {busy, total}
	 */
	record Sample(long nanos, long processNanos, long[][] ticks) {
	}

	/**
	 * CPU use over a phase, each a share of one core; -1 where unknown.
	 *
	 * @param process the generator process
	 * @param generatorCore the generator's core, all processes
	 * @param brokerCore the broker's core, all processes
	 */
	record Usage(double process, double generatorCore, double brokerCore) {

		boolean generatorBound() {
			return this.process >= BOUND || this.generatorCore >= BOUND;
		}

	}

}
