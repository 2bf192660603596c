/** The plugin's node settings, all under {@code plugins.multimodal.*}. */
package org.opensearch.multimodal.settings;
