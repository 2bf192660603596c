/**
 * Image input, safely: reading an image value (base64, data URI, http(s) URL, file path) within the operator's limits
 * and address rules, and decoding it to RGB pixels.
 */
package org.opensearch.multimodal.image;
