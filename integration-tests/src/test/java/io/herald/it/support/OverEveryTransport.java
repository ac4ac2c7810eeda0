package io.herald.it.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.herald.testclient.Transport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A test run once per {@link Transport}, which it takes as its parameter: the conformance
 * suites state each behaviour over WebSocket, SockJS and TCP alike.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "over {0}")
@EnumSource(Transport.class)
public @interface OverEveryTransport {

}
