package io.herald.architecture;

import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of DESIGN.md, enforced on every build.
 */
class ArchitectureTests {

	private static JavaClasses classes;

	@BeforeAll
	static void importClasses() {
		classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.herald");
	}

	@Test
	void protocolDependsOnNothingElseInHerald() {
		noClasses().that()
			.resideInAPackage("io.herald.protocol..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.herald.session..", "io.herald.routing..", "io.herald.transport..",
					"io.herald.security..", "io.herald.admin..", "io.herald.spring..", "io.herald.cluster..")
			.check(classes);
	}

	@Test
	void routingNeverSeesSessionsOrTransports() {
		noClasses().that()
			.resideInAPackage("io.herald.routing..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.herald.session..", "io.herald.transport..", "io.herald.spring..",
					"io.herald.admin..", "io.herald.security..", "java.nio..", "io.netty..")
			.check(classes);
	}

	@Test
	void coreIsPlainJava() {
		noClasses().that()
			.resideInAnyPackage("io.herald.protocol..", "io.herald.session..", "io.herald.routing..",
					"io.herald.memory..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "reactor..", "io.netty..", "jakarta..")
			.check(classes);
	}

	@Test
	void coreDoesNotReachIntoTransportsOrWiring() {
		noClasses().that()
			.resideInAnyPackage("io.herald.protocol..", "io.herald.session..", "io.herald.routing..",
					"io.herald.security..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.herald.transport..", "io.herald.spring..", "io.herald.admin..")
			.check(classes);
	}

	@Test
	void memoryBudgetDependsOnNothingElseInHerald() {
		noClasses().that()
			.resideInAPackage("io.herald.memory..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.herald.protocol..", "io.herald.session..", "io.herald.routing..",
					"io.herald.transport..", "io.herald.security..", "io.herald.admin..", "io.herald.spring..")
			.check(classes);
	}

	@Test
	void transportsDoNotDependOnEachOther() {
		slices().matching("io.herald.transport.(*)..").should().notDependOnEachOther().check(classes);
	}

	@Test
	void onlyTheWiringKnowsTheTransports() {
		noClasses().that()
			.resideOutsideOfPackages("io.herald.transport..", "io.herald.spring..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.herald.transport..")
			.check(classes);
	}

	@Test
	void everyPackageSaysWhatItOwns() {
		Set<String> packages = new TreeSet<>();
		for (JavaClass javaClass : classes) {
			packages.add(javaClass.getPackageName());
		}
		Set<String> undocumented = new TreeSet<>();
		for (String name : packages) {
			if (!classes.contain(name + ".package-info")) {
				undocumented.add(name);
			}
		}
		assertThat(undocumented).as("packages without package-info.java").isEmpty();
	}

	@Test
	void packagesAreFreeOfCycles() {
		slices().matching("io.herald.(*)..").should().beFreeOfCycles().check(classes);
	}

}
