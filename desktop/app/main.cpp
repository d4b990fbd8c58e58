// dosti-desktop: the office desktop app. The window and the OpenGL 3 renderer (GLFW and Dear
// ImGui's backends, after ImGui's examples/example_glfw_opengl3/main.cpp of 1.86); everything
// else is the App (app.h). Exit codes as the dosti command's: 0 ok, 1 failed, 2 usage.
#include <GLFW/glfw3.h>  // after ImGui's headers; brings the system's OpenGL header
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <sys/stat.h>
#include <time.h>

#include <cfloat>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "app.h"
#include "dosti/catalog.h"
#include "dosti/file.h"
#include "options.h"
#include "png.h"
#include "preferences.h"
#include "script.h"

namespace {

using dosti::desktop::App;

void GlfwError(int code, const char* description) {
  std::fprintf(stderr, "dosti-desktop: GLFW %d: %s\n", code, description);
}

int Fail(const dosti::Error& error, const std::string& lang, int code) {
  std::fprintf(stderr, "dosti-desktop: %s\n", dosti::Translate(error, lang).c_str());
  return code;
}

// A PNG of the frame in the back buffer (read before the swap).
dosti::Result<void> Screenshot(GLFWwindow* window, const std::string& path) {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window, &w, &h);
  std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * h * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  return dosti::desktop::WritePng(path, pixels.data(), w, h, /*bottom_up=*/true);
}

// --timings: each frame's time, and how long the first one took from the start of the
// process (bench/README.md, "Desktop figures").
class Timings {
 public:
  using Clock = std::chrono::steady_clock;
  // The UI thread's CPU time so far, in milliseconds (a loaded machine's waits are not in it).
  static double ThreadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
  }
  void Add(Clock::time_point started, Clock::time_point frame_start, Clock::time_point app_done,
           double cpu_at_start, double cpu_at_app_done, bool idle) {
    const auto now = Clock::now();
    if (first_frame_ms_ < 0) first_frame_ms_ = Ms(now - started);
    if (idle && settled_ms_ < 0) settled_ms_ = Ms(now - started);
    lines_ += "frame " + std::to_string(Ms(now - frame_start)) + " " +
              std::to_string(Ms(app_done - frame_start)) + " " +
              std::to_string(cpu_at_app_done - cpu_at_start) + "\n";
  }
  dosti::Result<void> Write(const std::string& path) const {
    return dosti::WriteFileAtomic(path, "first_frame " + std::to_string(first_frame_ms_) +
                                            "\nsettled " + std::to_string(settled_ms_) + "\n" +
                                            lines_);
  }

 private:
  static double Ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  }
  double first_frame_ms_ = -1;
  double settled_ms_ = -1;  // the end of the first frame begun with the Worker idle
  // "frame <whole frame, ms> <the app's part, up to the draw data, ms> <its UI-thread CPU, ms>"
  std::string lines_;
};

}  // namespace

int main(int argc, char** argv) {
  const auto started = std::chrono::steady_clock::now();
  namespace d = dosti::desktop;
  std::vector<std::string> args(argv + 1, argv + argc);
  const std::string prefs_dir = d::PreferencesDir();
  std::string lang = d::LoadPreferences(prefs_dir).lang;
  auto options = d::ParseOptions(args, std::getenv("DOSTI_DB"));
  if (!options) {
    Fail(options.error(), lang, 2);
    std::fprintf(stderr, "%s\n", d::Usage(lang).c_str());
    return 2;
  }
  if (!options->lang.empty()) lang = options->lang;
  if (options->help) {
    std::printf("%s\n", d::Usage(lang).c_str());
    return 0;
  }

  d::AppOptions app_options;
  app_options.db_path = options->db;
  app_options.screen = d::ScreenByName(options->screen).value_or(d::ScreenId::kEnterprises);
  app_options.lang = options->lang;
  app_options.font_size = options->font_size;
  app_options.enterprise = options->enterprise;
  app_options.preferences_dir = prefs_dir;
  if (!options->script.empty()) {
    auto text = dosti::ReadFile(options->script, 1 << 20);
    if (!text) return Fail(text.error(), lang, 2);
    auto steps = d::ParseScript(*text, options->script);
    if (!steps) return Fail(steps.error(), lang, 2);
    app_options.script = std::move(*steps);
  }
  // Session::Open would make a new, empty database: the app opens existing workspaces only.
  struct stat st {};
  if (stat(options->db.c_str(), &st) != 0) {
    return Fail(dosti::MakeError(dosti::ErrorCode::kNotFound, "desktop.no_database",
                                 {{"path", options->db}}),
                lang, 1);
  }
  auto fonts = d::LoadFonts();
  if (!fonts) return Fail(fonts.error(), lang, 1);

  glfwSetErrorCallback(GlfwError);
  if (!glfwInit()) {
    return Fail(dosti::MakeError(dosti::ErrorCode::kInternal, "desktop.no_display"), lang, 1);
  }
  // OpenGL 3.0 and GLSL 1.30, as ImGui's example (Mesa's llvmpipe under Xvfb has them).
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(options->width, options->height, "Dosti", nullptr, nullptr);
  if (window == nullptr) {
    glfwTerminate();
    return Fail(dosti::MakeError(dosti::ErrorCode::kInternal, "desktop.no_display"), lang, 1);
  }
  glfwMakeContextCurrent(window);
  const bool unattended =
      !options->screenshot.empty() || !options->script.empty() || options->frames > 0;
  glfwSwapInterval(unattended ? 0 : 1);  // tests and benchmarks run as fast as they can

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  int status = 0;
  {
    auto opened = App::Open(std::move(app_options), *fonts);
    if (!opened) {
      status = Fail(opened.error(), lang, 1);
    } else {
      App& app = **opened;
      int idle_frames = 0;  // consecutive frames with no work pending (--screenshot waits)
      Timings timings;
      const bool timed = !options->timings.empty();
      while (!glfwWindowShouldClose(window)) {
        const auto frame_start = std::chrono::steady_clock::now();
        const double cpu_start = timed ? Timings::ThreadCpuMs() : 0;
        // Nothing left for the Worker: this frame shows everything asked for so far.
        const bool settled = !app.worker().Busy();
        glfwPollEvents();
        if (app.PrepareFrame()) {
          ImGui_ImplOpenGL3_DestroyFontsTexture();
          ImGui_ImplOpenGL3_CreateFontsTexture();
        }
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        // A screenshot shows the screen as it is, without a hover where the pointer happens
        // to be (a script moves its own pointer).
        if (!options->screenshot.empty() && options->script.empty()) {
          io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
        }
        app.BeginFrame(io);
        ImGui::NewFrame();
        app.Frame();
        ImGui::Render();
        app.EndFrame(ImGui::GetDrawData());
        const auto app_done = std::chrono::steady_clock::now();
        const double cpu_app_done = timed ? Timings::ThreadCpuMs() : 0;
        int fb_w = 0, fb_h = 0;
        glfwGetFramebufferSize(window, &fb_w, &fb_h);
        glViewport(0, 0, fb_w, fb_h);
        glClearColor(0.94f, 0.94f, 0.94f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

        if (std::string shot = app.TakeScreenshotRequest(); !shot.empty()) {
          if (auto r = Screenshot(window, shot); !r) status = Fail(r.error(), lang, 1);
        }
        idle_frames = app.worker().Busy() ? 0 : idle_frames + 1;
        bool quit = false;
        if (!options->script.empty() && app.script_done()) {
          if (app.script_failure()) status = Fail(*app.script_failure(), lang, 1);
          quit = true;
        }
        // --screenshot alone: once the first frames are drawn and the work they started is in.
        if (!options->screenshot.empty() && options->script.empty() && app.frame() >= 3 &&
            idle_frames >= 3) {
          quit = true;
        }
        if (quit && !options->screenshot.empty()) {
          if (auto r = Screenshot(window, options->screenshot); !r) {
            status = Fail(r.error(), lang, 1);
          }
        }
        if (options->frames > 0 && app.frame() >= options->frames) quit = true;
        glfwSwapBuffers(window);
        if (timed) {
          glFinish();  // the frame is drawn (llvmpipe draws on the CPU, after the swap is asked)
          timings.Add(started, frame_start, app_done, cpu_start, cpu_app_done, settled);
        }
        if (quit) break;
      }
      if (timed) {
        if (auto r = timings.Write(options->timings); !r) status = Fail(r.error(), lang, 1);
      }
    }
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return status;
}
