package io.herald.security;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class TokenHandshakeInterceptorTest {

	private final List<String> presented = new ArrayList<>();

	private final TokenHandshakeInterceptor interceptor = new TokenHandshakeInterceptor((credentials) -> {
		this.presented.add(credentials.handshakeToken());
		if (credentials.handshakeToken().startsWith("bad")) {
			throw new AuthenticationException("bad token");
		}
		return Identity.anonymous();
	});

	@Test
	void tokenIsDecodedExactlyOnce() {
		// the token a+b%2Bc, percent-encoded once into the URL: '+' as %2B, '%' as %25
		assertThat(handshake("access_token=a%2Bb%252Bc")).isTrue();
		assertThat(this.presented).containsExactly("a+b%2Bc");
		assertThat(TokenHandshakeInterceptor.accessToken(URI.create("ws://h/ws?access_token=a%2Bb%252Bc")))
			.isEqualTo("a+b%2Bc");
	}

	@Test
	void plusInTheQueryIsAPlusNotASpace() {
		assertThat(handshake("x=1&access_token=a+b")).isTrue();
		assertThat(this.presented).containsExactly("a+b");
	}

	@Test
	void handshakeWithoutTokenGoesThroughUnchecked() {
		assertThat(handshake("x=1")).isTrue();
		assertThat(this.presented).isEmpty();
		assertThat(TokenHandshakeInterceptor.accessToken(URI.create("ws://h/ws"))).isNull();
	}

	@Test
	void invalidTokenIsRefusedWith401() {
		MockHttpServletResponse response = new MockHttpServletResponse();
		assertThat(handshake("access_token=bad%2B", response)).isFalse();
		assertThat(this.presented).containsExactly("bad+");
		assertThat(response.getStatus()).isEqualTo(HttpStatus.UNAUTHORIZED.value());
	}

	private boolean handshake(String query) {
		return handshake(query, new MockHttpServletResponse());
	}

	private boolean handshake(String query, MockHttpServletResponse response) {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ws");
		request.setQueryString(query);
		return this.interceptor.beforeHandshake(new ServletServerHttpRequest(request),
				new ServletServerHttpResponse(response), null, new HashMap<>());
	}

}
