package io.herald.it.support;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Files of the project that tests check against what they ship (config, docs). */
public final class ProjectFiles {

	private ProjectFiles() {
	}

	/** A file by its path from the project's root, such as {@code config/herald.yml}. */
	public static Path path(String relative) {
		Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
		Path file = module.resolve("..").resolve(relative).normalize();
		if (!Files.exists(file)) {
			file = module.resolve(relative).normalize();
		}
		assertThat(file).exists();
		return file;
	}

}
