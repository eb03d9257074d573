"""Wire protocols that carry a call: Twilio Media Streams, Asterisk chan_websocket, the browser."""
