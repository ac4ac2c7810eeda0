package io.herald.testclient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

import javax.net.ssl.SSLSocket;

/**
 * Raw STOMP over a {@link Socket}; a daemon thread reads what the broker sends.
 * {@link #over(Socket)} takes a socket the test made itself, e.g. an {@link SSLSocket}
 * for STOMP over TLS.
 */
public final class TcpStompConnection extends StompConnection {

	private final Socket socket;

	private final OutputStream out;

	private TcpStompConnection(Socket socket) throws IOException {
		super(((socket instanceof SSLSocket) ? "tls:" : "tcp:") + socket.getLocalPort());
		this.socket = socket;
		this.out = socket.getOutputStream();
		Thread reader = new Thread(this::read, "stomp-tcp-reader-" + socket.getLocalPort());
		reader.setDaemon(true);
		reader.start();
	}

	/** STOMP over a socket that is already connected. */
	public static TcpStompConnection over(Socket connected) {
		if (!connected.isConnected()) {
			throw new IllegalArgumentException("socket: not connected");
		}
		try {
			return new TcpStompConnection(connected);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot use " + connected, ex);
		}
	}

	static TcpStompConnection open(InetSocketAddress address) {
		try {
			Socket socket = new Socket();
			socket.setTcpNoDelay(true);
			socket.connect(address, 10_000);
			return new TcpStompConnection(socket);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot connect to " + address, ex);
		}
	}

	private void read() {
		byte[] buffer = new byte[64 * 1024];
		try (InputStream in = this.socket.getInputStream()) {
			int n;
			while ((n = in.read(buffer)) >= 0) {
				received(buffer, 0, n, false);
			}
		}
		catch (IOException ex) {
			// reset or closed locally: either way the connection is over
		}
		finally {
			closed();
		}
	}

	@Override
	protected synchronized void write(byte[] bytes, boolean binary) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	@Override
	public boolean carriesBinary() {
		return true;
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}
