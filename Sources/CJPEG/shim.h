#ifndef CJPEG_SHIM_H
#define CJPEG_SHIM_H
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>

/*
 * libjpeg reports errors through error_exit, which must not return to the library.
 * Swift cannot setjmp, so the whole call sequence lives here: error_exit longjmps back,
 * the library object is destroyed (freeing everything it allocated) and the message is
 * returned. Warnings (corrupt data the library papered over) also count as failures.
 */
typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} cjpeg_error_manager;

static void cjpeg_error_exit(j_common_ptr info) {
    cjpeg_error_manager *manager = (cjpeg_error_manager *)info->err;
    (*info->err->format_message)(info, manager->message);
    longjmp(manager->jump, 1);
}

static void cjpeg_emit_message(j_common_ptr info, int level) {
    if (level < 0) {
        cjpeg_error_manager *manager = (cjpeg_error_manager *)info->err;
        if (info->err->num_warnings == 0) (*info->err->format_message)(info, manager->message);
        info->err->num_warnings++;
    }
}

static void cjpeg_copy_message(const char *from, char *to, size_t capacity) {
    if (capacity == 0) return;
    strncpy(to, from, capacity - 1);
    to[capacity - 1] = 0;
}

/*
 * Decodes JPEG bytes to 8-bit grey (1 channel) or RGB (3). On success returns 0 and a
 * malloc'd buffer the caller frees; on failure returns -1 and libjpeg's message. An image
 * whose header declares more than max_pixels pixels returns -2 (width and height set)
 * before any pixel memory is allocated.
 */
static inline int cjpeg_decode(const unsigned char *data, unsigned long size, unsigned long long max_pixels,
                               unsigned char **out, int *width, int *height, int *channels, char *message,
                               size_t capacity) {
    struct jpeg_decompress_struct info;
    cjpeg_error_manager manager;
    unsigned char *volatile pixels = NULL;
    memset(&info, 0, sizeof info);
    memset(&manager, 0, sizeof manager);
    *out = NULL;
    info.err = jpeg_std_error(&manager.pub);
    manager.pub.error_exit = cjpeg_error_exit;
    manager.pub.emit_message = cjpeg_emit_message;
    if (setjmp(manager.jump)) {
        cjpeg_copy_message(manager.message, message, capacity);
        jpeg_destroy_decompress(&info);
        free(pixels);
        return -1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, (unsigned char *)data, size);
    jpeg_read_header(&info, TRUE);
    if ((unsigned long long)info.image_width * (unsigned long long)info.image_height > max_pixels) {
        *width = (int)info.image_width;
        *height = (int)info.image_height;
        jpeg_destroy_decompress(&info);
        return -2;
    }
    if (info.num_components != 1 && info.num_components != 3) {
        cjpeg_copy_message("only grey and colour (YCbCr/RGB) JPEGs are supported", message, capacity);
        jpeg_destroy_decompress(&info);
        return -1;
    }
    info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&info);
    size_t stride = (size_t)info.output_width * (size_t)info.output_components;
    pixels = (unsigned char *)malloc(stride * info.output_height + 1);
    if (pixels == NULL) {
        cjpeg_copy_message("out of memory", message, capacity);
        jpeg_destroy_decompress(&info);
        return -1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = pixels + (size_t)info.output_scanline * stride;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    if (manager.pub.num_warnings > 0) {
        cjpeg_copy_message(manager.message, message, capacity);
        jpeg_destroy_decompress(&info);
        free(pixels);
        return -1;
    }
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    *channels = info.output_components;
    *out = pixels;
    jpeg_destroy_decompress(&info);
    return 0;
}

/*
 * Encodes 8-bit grey (1) or RGB (3) pixels as a baseline JPEG. On success returns 0 and
 * a malloc'd buffer (free it); on failure -1 and the message.
 */
static inline int cjpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                               unsigned char **out, unsigned long *size, char *message, size_t capacity) {
    struct jpeg_compress_struct info;
    cjpeg_error_manager manager;
    memset(&info, 0, sizeof info);
    memset(&manager, 0, sizeof manager);
    *out = NULL;
    *size = 0;
    info.err = jpeg_std_error(&manager.pub);
    manager.pub.error_exit = cjpeg_error_exit;
    if (setjmp(manager.jump)) {
        cjpeg_copy_message(manager.message, message, capacity);
        jpeg_destroy_compress(&info);
        free(*out);
        *out = NULL;
        return -1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, out, size);
    info.image_width = (JDIMENSION)width;
    info.image_height = (JDIMENSION)height;
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    jpeg_start_compress(&info, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info.next_scanline * stride);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    return 0;
}
#endif
