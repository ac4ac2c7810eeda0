package io.herald.bench;

import java.lang.management.ManagementFactory;

/** The generator's own CPU time, to tell when a result is bounded by the generator. */
final class Cpu {

	private Cpu() {
	}

	static long processNanos() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return -1;
	}

}
