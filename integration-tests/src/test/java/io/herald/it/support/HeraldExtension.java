package io.herald.it.support;

import java.net.InetSocketAddress;
import java.net.URI;

import io.herald.testclient.StompEndpoints;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One {@link HeraldServer} for a whole test class, registered on a static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final HeraldExtension server = HeraldExtension.withArgs("--herald.limits.max-headers=16");
 * </pre>
 *
 * It starts before the class's {@code @BeforeAll} methods and is closed after its
 * {@code @AfterAll} methods, whatever failed in between. Where the arguments need
 * something made first (a certificate, a key server), {@link #deferred()} leaves the
 * start to the class's own {@code @BeforeAll} ({@link #start}); the close is the
 * extension's either way. It is the broker's {@link StompEndpoints}, so tests write
 * {@code transport.connect(server)}.
 */
public final class HeraldExtension implements BeforeAllCallback, AfterAllCallback, StompEndpoints, JsonHttp.HttpNode {

	private final String[] args;

	private HeraldServer server;

	private HeraldExtension(String[] args) {
		this.args = args;
	}

	/** Herald with these {@code --key=value} arguments, started before all tests. */
	public static HeraldExtension withArgs(String... args) {
		return new HeraldExtension(args.clone());
	}

	/** Herald started by the test class itself, with {@link #start}. */
	public static HeraldExtension deferred() {
		return new HeraldExtension(null);
	}

	/** Starts a {@link #deferred()} Herald. */
	public HeraldServer start(String... args) {
		if (this.args != null) {
			throw new IllegalStateException("started by the extension with its own arguments");
		}
		if (this.server != null) {
			throw new IllegalStateException("already started");
		}
		this.server = HeraldServer.start(args);
		return this.server;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.args != null) {
			this.server = HeraldServer.start(this.args);
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
	}

	/** The running server. */
	public HeraldServer server() {
		if (this.server == null) {
			throw new IllegalStateException("Herald is not running" + ((this.args == null)
					? ": a deferred HeraldExtension is started by the test class's @BeforeAll" : ""));
		}
		return this.server;
	}

	public int httpPort() {
		return server().httpPort();
	}

	public int tcpPort() {
		return server().tcpPort();
	}

	@Override
	public InetSocketAddress tcpAddress() {
		return server().tcpAddress();
	}

	@Override
	public URI webSocketUri() {
		return server().webSocketUri();
	}

	@Override
	public URI sockJsUri() {
		return server().sockJsUri();
	}

	public ConfigurableApplicationContext context() {
		return server().context();
	}

}
